import Foundation
import GreenStreamTesting
import Postgres

/// A local cluster with the dashboard on: GreenStreamTesting's ``LocalCluster`` (`cluster/local.sh
/// up` on a temporary DIR with the debug build's binaries) with GS_HTTP_LISTEN=auto, plus what the
/// dashboard tests need: the dashboard's URL, the demo fleet, SQL waits. Made by
/// ``withDashboardCluster(workers:name:_:)``, which also stops it.
final class DashboardCluster {
    let cluster: LocalCluster

    /// Checks that `up` printed the dashboard's URL (GS_HTTP_LISTEN=auto asks local.sh for one).
    init(_ cluster: LocalCluster) throws {
        self.cluster = cluster
        guard dashboardURL.hasPrefix("http://") else {
            throw ChildProcessError("local.sh up printed no GS_DASHBOARD_URL: \(cluster.exports)")
        }
    }

    var dir: URL { cluster.dir }
    var dataDir: String { cluster.dataDir }
    var pgURL: String { cluster.pgURL }
    var dashboardURL: String { cluster.exports["GS_DASHBOARD_URL"] ?? "" }

    /// `local.sh up` again: starts whatever is missing, prints the export lines.
    func up() throws -> ChildProcessResult { try cluster.up(workers: 1) }

    /// SIGKILL to `run/<name>.pid`, then waits until the process is gone (a zombie counts as gone).
    func kill9(_ name: String) throws { try cluster.kill9(name) }

    func log(_ name: String) -> String { cluster.log(name) }

    /// Lands a file as R-J-1 asks: written under a temp name, renamed in.
    func land(_ name: String, _ bytes: [UInt8]) throws { try cluster.land(name, bytes) }

    /// Lands every file of the bundled demo fleet (samples/fleet, day 2024-06-01) in name order.
    func landSampleFleet() throws -> [String] {
        let folder = LocalCluster.repoRoot.appendingPathComponent("samples/fleet")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }
            .sorted()
        for name in names { try land(name, Array(try Data(contentsOf: folder.appendingPathComponent(name)))) }
        return names
    }

    /// Rows of `sql` on the cluster's database.
    func query(_ sql: String, _ params: [PostgresValue] = []) throws -> [QueryResult.Row] {
        let c = try PostgresConnection.connect(url: pgURL)
        return try c.query(sql, params).allRows
    }

    /// Waits until the `workers` table knows `count` workers (each row appears with its first heartbeat).
    func waitForWorkers(_ count: Int, timeout: Double = 60) throws {
        try Wait.until("\(count) workers heard from", timeout: timeout) {
            try query("SELECT count(*)::bigint AS n FROM workers")[0].int("n") == count
        }
    }

    /// Waits until `count` jobs exist and all have ended (by SQL).
    func waitForTerminalJobs(_ count: Int, timeout: Double = 180) throws {
        try Wait.until(
            "\(count) jobs, all ended", timeout: timeout, detail: { self.log("coordinator").suffix(1500).description }
        ) {
            let row = try query("SELECT count(*) AS n, count(finished_at) AS done FROM jobs")[0]
            return try row.int("n") == count && row.int("done") == count
        }
    }
}

/// Runs `body` on a fresh cluster with the dashboard on, and stops it afterwards (a failed body
/// keeps the DIR, under the root scripts/test.sh sweeps, and names it in the error).
func withDashboardCluster<T>(workers: Int = 2, name: String = #function, _ body: (DashboardCluster) throws -> T) throws
    -> T
{
    try LocalCluster.with(
        workers: workers, environment: ["GS_HTTP_LISTEN": "auto"], dirPrefix: "dash", name: name,
        view: DashboardCluster.init, body)
}
