import Foundation
import GreenStreamTesting
import Postgres

/// A local cluster with the dashboard on: `cluster/local.sh up` with GS_HTTP_LISTEN=auto on a
/// temporary DIR and the debug build's binaries (as ClusterTests' LocalCluster, trimmed to what
/// the dashboard tests need). Call ``down(keep:)`` when done.
final class DashboardCluster {
    /// Under the same root as ClusterTests' clusters, so scripts/test.sh sweeps leftovers.
    static let root = URL(fileURLWithPath: "/tmp/greenstream-cluster-tests")

    let dir: URL
    let binDir: String
    private(set) var dataDir = ""
    private(set) var pgURL = ""
    private(set) var dashboardURL = ""

    init(workers: Int, name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }.prefix(40)
        dir = Self.root.appendingPathComponent("dash\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        binDir = try Self.findBinDir()
        let result = try localSH(["up", "--workers", String(workers)])
        guard result.status == 0 else {
            throw ChildProcessError("local.sh up failed (\(result.status)): \(result.stderrText)")
        }
        for line in result.stdoutText.split(separator: "\n") {
            guard line.hasPrefix("export "), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[line.index(line.startIndex, offsetBy: 7)..<eq]
            let value = String(line[line.index(after: eq)...])
            switch key {
            case "GS_DATA_DIR": dataDir = value
            case "GS_PG_URL": pgURL = value
            case "GS_DASHBOARD_URL": dashboardURL = value
            default: break
            }
        }
        guard !dataDir.isEmpty, !pgURL.isEmpty, dashboardURL.hasPrefix("http://") else {
            throw ChildProcessError(
                "local.sh up printed no GS_DATA_DIR/GS_PG_URL/GS_DASHBOARD_URL: \(result.stdoutText)")
        }
    }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static func findBinDir() throws -> String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let fm = FileManager.default
            if fm.isExecutableFile(atPath: dir.appendingPathComponent("greenstream").path),
                fm.isExecutableFile(atPath: dir.appendingPathComponent("gsctl").path)
            {
                return dir.path
            }
        }
        throw ChildProcessError("greenstream and gsctl not built beside \(beside.path) (swift build --build-tests)")
    }

    private func localSH(_ arguments: [String]) throws -> ChildProcessResult {
        try ChildProcess.run(
            Self.repoRoot.appendingPathComponent("cluster/local.sh").path, arguments + ["--dir", dir.path],
            environment: ["GS_BIN_DIR": binDir, "GS_HTTP_LISTEN": "auto"])
    }

    /// `local.sh up` again: starts whatever is missing, prints the export lines.
    func up() throws -> ChildProcessResult {
        let result = try localSH(["up", "--workers", "1"])
        guard result.status == 0 else {
            throw ChildProcessError("local.sh up failed (\(result.status)): \(result.stderrText)")
        }
        return result
    }

    /// SIGKILL to `run/<name>.pid`, then waits until the process is gone (a zombie counts as gone).
    func kill9(_ name: String) throws {
        let text = try String(contentsOf: dir.appendingPathComponent("run/\(name).pid"), encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, SIGKILL) == 0 else {
            throw ChildProcessError("kill -9 \(name) failed")
        }
        try Wait.until("\(name) gone after SIGKILL", timeout: 10) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.range(of: ")", options: .backwards)
            else { return true }
            return stat[close.upperBound...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        }
    }

    /// `local.sh down`; the DIR is removed unless kept (a failed test keeps it for its logs).
    func down(keep: Bool = false) {
        _ = try? localSH(["down"])
        if !keep { try? FileManager.default.removeItem(at: dir) }
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent("logs/\(name).log"), encoding: .utf8)) ?? ""
    }

    /// Lands a file as R-J-1 asks: written under a temp name, renamed in.
    func land(_ name: String, _ bytes: [UInt8]) throws {
        let landing = URL(fileURLWithPath: dataDir).appendingPathComponent("landing")
        let temp = landing.appendingPathComponent(".\(name).tmp-\(UUID().uuidString.prefix(8))")
        try Data(bytes).write(to: temp)
        guard rename(temp.path, landing.appendingPathComponent(name).path) == 0 else {
            throw ChildProcessError("rename into landing/\(name): errno \(errno)")
        }
    }

    /// Lands every file of the bundled demo fleet (samples/fleet, day 2024-06-01) in name order.
    func landSampleFleet() throws -> [String] {
        let folder = Self.repoRoot.appendingPathComponent("samples/fleet")
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

/// Runs `body` on a fresh cluster with the dashboard on, and stops it afterwards.
func withDashboardCluster<T>(workers: Int = 2, name: String = #function, _ body: (DashboardCluster) throws -> T) throws
    -> T
{
    let cluster = try DashboardCluster(workers: workers, name: name)
    do {
        let value = try body(cluster)
        cluster.down()
        return value
    } catch {
        cluster.down(keep: true)
        throw ChildProcessError("\(error) [cluster kept in \(cluster.dir.path)]")
    }
}

/// Waiting for a signal with a deadline; the condition ends the wait, never the elapsed time.
enum Wait {
    struct TimedOut: Error, CustomStringConvertible { var description: String }

    static func until(_ what: String, timeout: Double, detail: () -> String = { "" }, _ condition: () throws -> Bool)
        throws
    {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return }
            if Date() >= deadline {
                throw TimedOut(description: "timed out after \(Int(timeout)) s waiting for \(what). \(detail())")
            }
            usleep(50_000)
        }
    }
}
