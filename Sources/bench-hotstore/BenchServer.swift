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

    /// Runs a command with `GS_PG_DIR` set and returns its standard output. Uses popen rather
    /// than Foundation's Process, whose waitUntilExit was seen to hang here after the child exited.
    private static func run(_ arguments: [String], directory: String) throws -> String {
        setenv("GS_PG_DIR", directory, 1)
        guard let pipe = popen("bash " + arguments.joined(separator: " "), "r") else {
            throw Failure(description: "cannot run \(arguments.joined(separator: " "))")
        }
        var output = ""
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), pipe) != nil {
            output += String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let status = pclose(pipe)
        guard status == 0 else {
            throw Failure(
                description:
                    "\(arguments.joined(separator: " ")) exited with status \(status); run from the repository root")
        }
        return output
    }
}
