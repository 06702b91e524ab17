import Foundation

/// The PostgreSQL the benchmark talks to: `GS_PG_URL` when set, otherwise a private throwaway
/// server started with cluster/postgres.sh (run from the repository root) and stopped afterwards.
struct BenchServer {
    let url: String
    private let ownedDirectory: String?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func acquire() throws -> BenchServer {
        if let url = ProcessInfo.processInfo.environment["GS_PG_URL"], !url.isEmpty {
            return BenchServer(url: url, ownedDirectory: nil)
        }
        let directory = "/tmp/greenstream-bench-pg-\(getpid())"
        let output = try run(["cluster/postgres.sh", "start"], directory: directory)
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("export GS_PG_URL=") }) else {
            throw Failure(description: "cluster/postgres.sh start printed no URL: \(output)")
        }
        return BenchServer(url: String(line.dropFirst("export GS_PG_URL=".count)), ownedDirectory: directory)
    }

    /// Stops the server if this process started it.
    func release() {
        guard let ownedDirectory else { return }
        _ = try? Self.run(["cluster/postgres.sh", "stop"], directory: ownedDirectory)
    }

    private static func run(_ arguments: [String], directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GS_PG_DIR"] = directory
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus); run from the repository root")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
