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
//   executables: greenstream, bench-* (thin)
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
        .target(name: "Postgres", dependencies: ["CPQ", .product(name: "Logging", package: "swift-log")]),
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
            ]
        ),

        // MARK: The cluster's coordinator (state machines + thin executor; docs/COORDINATOR.md)
        .target(
            name: "GreenStreamCoordinator",
            dependencies: [
                "GreenStreamCore", "GreenStreamArchive", "GreenStreamFiles", "GreenStreamStore", "Postgres",
                "GreenStreamRPC", "NNG", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // MARK: Worker (issue 9): session state machine + executor over RPCClient
        .target(
            name: "GreenStreamWorker",
            dependencies: [
                "GreenStreamCore", "GreenStreamArchive", "GreenStreamFiles", "GreenStreamRPC", "NNG",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: gsctl's logic (issue 9): commands, tables and JSON over the admin protocol
        .target(
            name: "GreenStreamCtl",
            dependencies: [
                "GreenStreamCore", "GreenStreamRPC", "NNG",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Test and bench support (never linked into shipped executables)
        .target(name: "GreenStreamTesting", dependencies: [.product(name: "Logging", package: "swift-log")]),

        // MARK: Executables
        .executableTarget(
            name: "greenstream",
            dependencies: [
                "GreenStreamCore", "GreenStreamFiles", "GreenStreamCoordinator", "GreenStreamWorker", "NNG",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "gsctl", dependencies: ["GreenStreamCtl"]),
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

        // MARK: Tests
        .testTarget(name: "CLibraryTests", dependencies: ["CNNG", "CPQ", "CSnappy", "CProtobufC"]),
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
        .testTarget(
            name: "GreenStreamCoordinatorTests",
            dependencies: [
                "GreenStreamCoordinator", "GreenStreamCore", "GreenStreamArchive", "GreenStreamFiles", "GreenStreamStore",
                "Postgres", "GreenStreamRPC", "NNG", "GreenStreamTesting",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
