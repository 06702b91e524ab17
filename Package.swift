// swift-tools-version: 6.0
// GreenStream: smart-meter CSV → clean readings in PostgreSQL and snappy Parquet.
//
// The target graph reads like the architecture (see docs/ARCHITECTURE.md):
//   C edge:      CNNG, CPQ, CSnappy, CProtobufC (system libraries), GreenStreamProto (generated protobuf-c)
//   pure core:   GreenStreamCore (CSV, T1, T2, features, domain types)
//   encoders:    Parquet (format writer/reader + snappy), GreenStreamArchive (R-P-1 layout on top of Parquet)
//   files:       GreenStreamFiles (landed-file reading with the size check, SHA-256, transform outputs)
//   store:       Postgres (libpq wrapper), GreenStreamStore (migrations, JobStore, HotStore)
//   rpc:         NNG (transport wrapper), GreenStreamRPC (proto contract ↔ Swift model, client/server)
//   cluster:     GreenStreamCoordinator (landing, dispatch, commit sequence, zones, admin calls)
//   dashboard:   GreenStreamDashboard (the coordinator's live page and /api/*, Hummingbird; reads rollups)
//   observability: GreenStreamMetricNames (every metric's name; libraries record via swift-metrics only),
//                GreenStreamObservability (Prometheus bootstrap, /metrics over Hummingbird, JSON log handler)
//   load test:   LoadTestFleet (pure fleet + expectation), LoadTestDriver + gs-loadtest (under loadtest/)
//   executables: greenstream, gsctl, gs-loadtest, bench-* (thin)
import PackageDescription

let package = Package(
    name: "GreenStream",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greenstream", targets: ["greenstream"]),
        .executable(name: "gsctl", targets: ["gsctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Issue 10 (gs-loadtest): latency percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Dashboard (issue 11, M2): the coordinator's HTTP page and JSON API.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through hummingbird; named so the dashboard can shut its server down gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Issue 11 (metrics): the swift-metrics API in libraries, Prometheus + Hummingbird only in GreenStreamObservability.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: C libraries (Debian -dev packages)
        .systemLibrary(name: "CNNG", providers: [.apt(["libnng-dev"])]),
        .systemLibrary(name: "CPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),

        // MARK: Pure core
        .target(name: "GreenStreamCore"),

        // MARK: Parquet and the cold archive
        .target(name: "Parquet", dependencies: ["CSnappy"]),
        .target(name: "GreenStreamArchive", dependencies: ["GreenStreamCore", "Parquet"]),

        // MARK: Files on disk: landed-file reading (size check), SHA-256, transform outputs
        .target(
            name: "GreenStreamFiles",
            dependencies: ["GreenStreamCore", "GreenStreamArchive", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: PostgreSQL (hot store, job table)
        .target(
            name: "Postgres",
            dependencies: [
                "CPQ", .product(name: "Logging", package: "swift-log"),
                "GreenStreamMetricNames", .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .target(
            name: "GreenStreamStore",
            dependencies: ["GreenStreamCore", "Postgres"],
            resources: [.copy("Migrations")]
        ),

        // MARK: RPC (NNG + protobuf-c)
        .target(name: "GreenStreamProto", dependencies: ["CProtobufC"], publicHeadersPath: "generated/include"),
        .target(name: "NNG", dependencies: ["CNNG"]),
        .target(
            name: "GreenStreamRPC",
            dependencies: [
                "GreenStreamCore", "GreenStreamProto", "CProtobufC", "NNG",
                .product(name: "Logging", package: "swift-log"),
                "GreenStreamMetricNames", .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),

        // MARK: The cluster's coordinator (state machines + thin executor; docs/COORDINATOR.md)
        .target(
            name: "GreenStreamCoordinator",
            dependencies: [
                "GreenStreamCore", "GreenStreamArchive", "GreenStreamFiles", "GreenStreamStore", "Postgres",
                "GreenStreamRPC", "NNG", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                "GreenStreamMetricNames", .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),

        // MARK: Worker (issue 9): session state machine + executor over RPCClient
        .target(
            name: "GreenStreamWorker",
            dependencies: [
                "GreenStreamCore", "GreenStreamArchive", "GreenStreamFiles", "GreenStreamRPC", "NNG",
                .product(name: "Logging", package: "swift-log"),
                "GreenStreamMetricNames", .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),

        // MARK: gsctl's logic (issue 9): commands, tables and JSON over the admin protocol
        .target(
            name: "GreenStreamCtl",
            dependencies: [
                "GreenStreamCore", "GreenStreamRPC", "NNG",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Dashboard (issue 11): the coordinator's live page and /api/* over Hummingbird; reads rollups only
        .target(
            name: "GreenStreamDashboard",
            dependencies: [
                "GreenStreamCore", "GreenStreamStore", "Postgres", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: Observability (issue 11): metric names, Prometheus bootstrap, /metrics server, log handlers
        // The catalogue of metric names has no dependencies, so every instrumented library names its
        // metrics from one place while staying backend-agnostic (only swift-metrics' API).
        .target(name: "GreenStreamMetricNames"),
        .target(
            name: "GreenStreamObservability",
            dependencies: [
                "GreenStreamMetricNames",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),

        // MARK: Test and bench support (never linked into shipped executables)
        .target(name: "GreenStreamTesting", dependencies: [.product(name: "Logging", package: "swift-log")]),

        // MARK: Executables
        .executableTarget(
            name: "greenstream",
            dependencies: [
                "GreenStreamCore", "GreenStreamFiles", "GreenStreamCoordinator", "GreenStreamWorker", "NNG",
                "GreenStreamDashboard",
                "GreenStreamObservability", "GreenStreamMetricNames",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "gsctl", dependencies: ["GreenStreamCtl"]),
        // Load test (issue 10): the fleet generator and its expected outcome, pure (no GreenStreamCore).
        .target(name: "LoadTestFleet", path: "loadtest/Fleet"),
        .executableTarget(name: "bench-fleet", dependencies: ["LoadTestFleet"], path: "loadtest/FleetBench"),
        .executableTarget(name: "bench-transform", dependencies: ["GreenStreamCore"]),
        .executableTarget(
            name: "bench-parquet", dependencies: ["GreenStreamCore", "GreenStreamArchive", "Parquet", "GreenStreamTesting"]),
        .executableTarget(
            name: "bench-hotstore", dependencies: ["GreenStreamCore", "GreenStreamStore", "Postgres", "GreenStreamTesting"]),
        .executableTarget(
            name: "bench-store-rpc",
            dependencies: [
                "GreenStreamCore", "GreenStreamStore", "Postgres", "GreenStreamRPC", "GreenStreamTesting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The cluster end to end: runs cluster/local.sh with the greenstream and gsctl built beside it.
        .executableTarget(
            name: "bench-cluster", dependencies: ["GreenStreamCore", "GreenStreamStore", "Postgres", "GreenStreamTesting"]),
        // Issue 12: commit rate and dashboard queries as the hot store grows day by day, partitioned vs 005.
        .executableTarget(
            name: "bench-growth", dependencies: ["GreenStreamCore", "GreenStreamStore", "Postgres", "GreenStreamTesting"]),
        .executableTarget(
            name: "bench-rpc",
            dependencies: ["GreenStreamCore", "GreenStreamRPC", "NNG", .product(name: "Logging", package: "swift-log")]),

        // MARK: Load test (issue 10): drive a running cluster with a generated fleet, then verify it
        .target(
            name: "LoadTestDriver",
            dependencies: [
                "LoadTestFleet", "Postgres", "Parquet", "GreenStreamRPC", "NNG",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "loadtest/Driver"),
        .executableTarget(
            name: "gs-loadtest",
            dependencies: ["LoadTestDriver", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "loadtest/gs-loadtest"),

        // MARK: Tests
        .testTarget(
            name: "GreenStreamObservabilityTests",
            dependencies: [
                "GreenStreamObservability", "GreenStreamMetricNames", "GreenStreamTesting", "Postgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(name: "CLibraryTests", dependencies: ["CNNG", "CPQ", "CSnappy", "CProtobufC"]),
        // The fleet's own tests; only they may run the real core, to compare it with the expectation.
        .testTarget(name: "LoadTestFleetTests", dependencies: ["LoadTestFleet", "GreenStreamCore"]),
        .testTarget(name: "GreenStreamCoreTests", dependencies: ["GreenStreamCore", "GreenStreamTesting"]),
        // The CLI tests run the built `greenstream` binary (found beside the test bundle), not link it.
        .testTarget(name: "GreenStreamCLITests", dependencies: ["GreenStreamFiles", "GreenStreamCore", "GreenStreamTesting"]),
        .testTarget(
            name: "ParquetTests",
            dependencies: ["Parquet", "GreenStreamArchive", "GreenStreamCore", "GreenStreamTesting"]),
        .testTarget(
            name: "GreenStreamStoreTests",
            dependencies: ["GreenStreamStore", "Postgres", "GreenStreamCore", "GreenStreamArchive", "GreenStreamTesting"]),
        .testTarget(
            name: "GreenStreamWorkerTests",
            dependencies: [
                "GreenStreamWorker", "GreenStreamRPC", "GreenStreamCore", "GreenStreamArchive", "NNG",
                "GreenStreamTesting", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "GreenStreamCtlTests",
            dependencies: [
                "GreenStreamCtl", "GreenStreamRPC", "GreenStreamCore", "NNG", "GreenStreamTesting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // End to end with real processes: the built `greenstream` (coordinator, worker) and `gsctl`, found
        // beside the test bundle, on a cluster that cluster/local.sh starts per test.
        .testTarget(
            name: "ClusterTests",
            dependencies: [
                "GreenStreamTesting", "Postgres", "GreenStreamRPC", "GreenStreamCore", "GreenStreamArchive",
            ]),
        .testTarget(
            name: "GreenStreamRPCTests",
            dependencies: [
                "GreenStreamRPC", "NNG", "GreenStreamCore", "GreenStreamTesting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The page in headless chromium against clusters from cluster/local.sh (built binaries beside the
        // bundle), the API against SQL, the queries on a private schema of GS_PG_URL.
        .testTarget(
            name: "DashboardTests",
            dependencies: ["GreenStreamDashboard", "GreenStreamStore", "Postgres", "GreenStreamCore", "GreenStreamTesting"]),
        .testTarget(
            name: "GreenStreamCoordinatorTests",
            dependencies: [
                "GreenStreamCoordinator", "GreenStreamCore", "GreenStreamArchive", "GreenStreamFiles", "GreenStreamStore",
                "Postgres", "GreenStreamRPC", "NNG", "GreenStreamTesting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Runs the built `gs-loadtest` (beside the test bundle) against clusters from cluster/local.sh.
        .testTarget(name: "LoadTestTests", dependencies: ["Postgres", "GreenStreamTesting"]),
    ]
)
