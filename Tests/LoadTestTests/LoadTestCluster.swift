import Foundation
import GreenStreamTesting
import Postgres

/// A fresh cluster from cluster/local.sh for one load test, with this build's `greenstream` and
/// `gsctl` (beside the test bundle) as GS_BIN_DIR, and a way to run this build's `gs-loadtest` on it.
final class LoadTestCluster {
    /// Where clusters live: GS_LOADTEST_CLUSTER_ROOT, or the folder scripts/test.sh sweeps after a crash.
    static var root: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["GS_LOADTEST_CLUSTER_ROOT"] ?? "/tmp/greenstream-cluster-tests")
    }

    static var repoRoot: URL {
        // Tests/LoadTestTests/LoadTestCluster.swift → the repository.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    let dir: URL
    let binDir: String
    private(set) var exports: [String: String] = [:]

    init(workers: Int, name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }.prefix(40)
        dir = Self.root.appendingPathComponent("loadtest-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        binDir = URL(fileURLWithPath: try ChildProcess.builtBinary("gs-loadtest")).deletingLastPathComponent().path
        let result = try localSH(["up", "--workers", String(workers)])
        guard result.status == 0 else { throw ChildProcessError("local.sh up failed (\(result.status)): \(result.stderrText)") }
        for line in result.stdoutText.split(separator: "\n") where line.hasPrefix("export ") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            exports[String(line[line.index(line.startIndex, offsetBy: 7)..<eq])] = String(line[line.index(after: eq)...])
        }
        guard exports["GS_DATA_DIR"] != nil, exports["GS_PG_URL"] != nil else {
            throw ChildProcessError("local.sh up printed no export lines: \(result.stdoutText)")
        }
    }

    var dataDir: String { exports["GS_DATA_DIR"]! }
    var pgURL: String { exports["GS_PG_URL"]! }

    private func localSH(_ arguments: [String]) throws -> ChildProcessResult {
        try ChildProcess.run(
            Self.repoRoot.appendingPathComponent("cluster/local.sh").path, arguments + ["--dir", dir.path],
            environment: ["GS_BIN_DIR": binDir])
    }

    /// Stops the cluster; removes its DIR unless `keep` (a failed test keeps logs, zones and database).
    func down(keep: Bool) {
        _ = try? localSH(["down"])
        if !keep { try? FileManager.default.removeItem(at: dir) }
    }

    /// Runs this build's gs-loadtest against the cluster (its environment is local.sh's exports).
    func loadtest(_ arguments: [String]) throws -> ChildProcessResult {
        var environment = exports
        environment["GS_BIN_DIR"] = binDir
        environment["GS_REPO"] = Self.repoRoot.path
        return try ChildProcess.run(binDir + "/gs-loadtest", arguments, environment: environment)
    }

    func query(_ sql: String) throws -> QueryResult {
        try PostgresConnection.connect(url: pgURL, retryForSeconds: 10).query(sql)
    }

    /// Runs `body` on a fresh cluster; stops it after, keeping DIR when the body threw.
    static func with<T>(workers: Int, name: String = #function, _ body: (LoadTestCluster) throws -> T) throws -> T {
        let cluster = try LoadTestCluster(workers: workers, name: name)
        do {
            let value = try body(cluster)
            cluster.down(keep: false)
            return value
        } catch {
            cluster.down(keep: true)
            throw ChildProcessError("\(error) [cluster kept in \(cluster.dir.path)]")
        }
    }
}

/// The fields of `gs-loadtest --json` the tests read.
struct LoadTestJSON: Decodable {
    struct Chaos: Decodable {
        var fault: String
        var error: String
    }
    var verdict: String
    var mismatchCount: Int
    var mismatches: [String]
    var files: Int
    var expectedHotReadings: Int
    var chaos: [Chaos]?
    var checked: [String: Int]
}
