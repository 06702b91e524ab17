import Foundation
import GreenStreamTesting

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
        return BenchServer(url: try ThrowawayPostgres(directory: directory).start(), ownedDirectory: directory)
    }

    /// Stops the server if this process started it.
    func release() {
        guard let ownedDirectory else { return }
        _ = try? ThrowawayPostgres(directory: ownedDirectory).run("stop")
    }
}
