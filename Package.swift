// swift-tools-version: 6.0
// GreenStream: smart-meter CSV → clean readings in PostgreSQL and snappy Parquet.
//
// The target graph reads like the architecture (see docs/ARCHITECTURE.md):
//   C edge:      CNNG, CPQ, CSnappy, CProtobufC (system libraries), GreenStreamProto (generated protobuf-c)
//   pure core:   GreenStreamCore (CSV, T1, T2, features, domain types)
//   encoders:    Parquet (format writer/reader + snappy), GreenStreamArchive (R-P-1 layout on top of Parquet)
//   store:       Postgres (libpq wrapper), GreenStreamStore (migrations, JobStore, HotStore)
//   rpc:         NNG (transport wrapper), GreenStreamRPC (proto contract ↔ Swift model, client/server)
//   executables: greenstream, bench-* (thin)
import PackageDescription

let package = Package(
    name: "GreenStream",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "greenstream", targets: ["greenstream"]),
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

        // MARK: PostgreSQL (hot store, job table)
        .target(name: "Postgres", dependencies: ["CPQ", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "GreenStreamStore",
            dependencies: ["GreenStreamCore", "Postgres"],
            resources: [.copy("Migrations")]
        ),

        // MARK: RPC (NNG + protobuf-c)
        .target(name: "GreenStreamProto", dependencies: ["CProtobufC"], publicHeadersPath: "generated/include"),
        .target(name: "NNG", dependencies: ["CNNG", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "GreenStreamRPC",
            dependencies: [
                "GreenStreamCore", "GreenStreamProto", "CProtobufC", "NNG",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Test support (used by test targets only)
        .target(name: "GreenStreamTesting"),

        // MARK: Executables
        .executableTarget(
            name: "greenstream",
            dependencies: [
                "GreenStreamCore", "GreenStreamArchive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(name: "bench-transform", dependencies: ["GreenStreamCore"]),
        .executableTarget(name: "bench-parquet", dependencies: ["GreenStreamCore", "GreenStreamArchive", "Parquet"]),
        .executableTarget(name: "bench-hotstore", dependencies: ["GreenStreamCore", "GreenStreamStore", "Postgres"]),
        .executableTarget(
            name: "bench-store-rpc",
            dependencies: [
                "GreenStreamCore", "GreenStreamStore", "Postgres", "GreenStreamRPC",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "bench-rpc",
            dependencies: ["GreenStreamCore", "GreenStreamRPC", "NNG", .product(name: "Logging", package: "swift-log")]),

        // MARK: Tests
        .testTarget(name: "CLibraryTests", dependencies: ["CNNG", "CPQ", "CSnappy", "CProtobufC"]),
        .testTarget(name: "GreenStreamCoreTests", dependencies: ["GreenStreamCore"]),
        .testTarget(name: "GreenStreamCLITests", dependencies: ["greenstream", "GreenStreamTesting"]),
        .testTarget(
            name: "ParquetTests",
            dependencies: ["Parquet", "GreenStreamArchive", "GreenStreamCore", "GreenStreamTesting", "greenstream"]),
        .testTarget(name: "GreenStreamStoreTests", dependencies: ["GreenStreamStore", "Postgres", "GreenStreamCore"]),
        .testTarget(
            name: "GreenStreamRPCTests",
            dependencies: [
                "GreenStreamRPC", "NNG", "GreenStreamCore", "GreenStreamTesting",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
