import Foundation
import GreenStreamTesting
import Postgres

/// A fresh cluster from cluster/local.sh for one load test (GreenStreamTesting's ``LocalCluster``:
/// this build's `greenstream` and `gsctl` beside the test bundle as GS_BIN_DIR), and a way to run
/// this build's `gs-loadtest` on it.
final class LoadTestCluster {
    /// Where clusters live: GS_LOADTEST_CLUSTER_ROOT, or the folder scripts/test.sh sweeps after a crash.
    static var root: URL {
        ProcessInfo.processInfo.environment["GS_LOADTEST_CLUSTER_ROOT"].map { URL(fileURLWithPath: $0) }
            ?? LocalCluster.root
    }

    let cluster: LocalCluster
    /// The folder of this build's gs-loadtest (beside greenstream and gsctl).
    let binDir: String

    init(_ cluster: LocalCluster) throws {
        self.cluster = cluster
        binDir = URL(fileURLWithPath: try ChildProcess.builtBinary("gs-loadtest")).deletingLastPathComponent().path
    }

    var dir: URL { cluster.dir }
    var exports: [String: String] { cluster.exports }
    var dataDir: String { cluster.dataDir }
    var pgURL: String { cluster.pgURL }

    /// Runs this build's gs-loadtest against the cluster (its environment is local.sh's exports).
    func loadtest(_ arguments: [String]) throws -> ChildProcessResult {
        var environment = exports
        environment["GS_BIN_DIR"] = binDir
        environment["GS_REPO"] = LocalCluster.repoRoot.path
        return try ChildProcess.run(binDir + "/gs-loadtest", arguments, environment: environment)
    }

    func query(_ sql: String) throws -> QueryResult {
        try PostgresConnection.connect(url: pgURL, retryForSeconds: 10).query(sql)
    }

    /// Runs `body` on a fresh cluster; stops it after, keeping DIR when the body threw.
    static func with<T>(workers: Int, name: String = #function, _ body: (LoadTestCluster) throws -> T) throws -> T {
        try LocalCluster.with(
            workers: workers, root: root, dirPrefix: "loadtest-", name: name, view: LoadTestCluster.init, body)
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
