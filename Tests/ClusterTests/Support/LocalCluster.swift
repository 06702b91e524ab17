import Foundation
import GreenStreamTesting
import Postgres
import Testing

/// One local cluster for one test: `cluster/local.sh` on a temporary DIR, with the debug build's
/// `greenstream` and `gsctl` (found beside the test bundle) as GS_BIN_DIR. Real processes, real
/// sockets, a real PostgreSQL; call ``down()`` when done (the daemons run in their own sessions
/// and outlive the test process otherwise; scripts/test.sh sweeps what a crashed run left).
final class LocalCluster {
    /// Where leftover clusters are found by scripts/test.sh.
    static let root = URL(fileURLWithPath: "/tmp/greenstream-cluster-tests")

    let dir: URL
    let binDir: String
    /// Extra environment for the daemons (GS_HEARTBEAT_TIMEOUT, GS_RETRIES, …): local.sh passes
    /// GS_* variables on to them.
    let environment: [String: String]
    private(set) var dataDir = ""
    private(set) var pgURL = ""
    private(set) var coordinator = ""
    private(set) var tokenFile = ""

    /// Creates a DIR and runs `local.sh up --workers N` on it.
    init(workers: Int, environment: [String: String] = [:], name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }.prefix(40)
        dir = Self.root.appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        binDir = try Self.findBinDir()
        self.environment = environment
        try up(workers: workers)
    }

    var landing: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("landing") }
    var processed: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("processed") }
    var quarantine: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("quarantine") }
    var archive: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("archive") }

    // MARK: local.sh

    static var repoRoot: URL {
        // Tests/ClusterTests/Support/LocalCluster.swift → the repository.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The folder holding both `greenstream` and `gsctl` of this build: beside the test bundle
    /// or one level up, as for the CLI tests.
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
        var env = environment
        env["GS_BIN_DIR"] = binDir
        // The daemons take their settings from local.sh's flags; a test's own GS_PG_URL or
        // GS_DATA_DIR must not leak into them, nor GS_PG_DIR into local.sh's database.
        return try ChildProcess.run(
            Self.repoRoot.appendingPathComponent("cluster/local.sh").path, arguments + ["--dir", dir.path],
            environment: env)
    }

    /// `local.sh up`: starts whatever of the cluster is missing and waits for the coordinator.
    func up(workers: Int) throws {
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
            case "GS_COORDINATOR": coordinator = value
            case "GS_TOKEN_FILE": tokenFile = value
            default: break
            }
        }
        guard !dataDir.isEmpty, !pgURL.isEmpty, !coordinator.isEmpty, !tokenFile.isEmpty else {
            throw ChildProcessError("local.sh up printed no complete export lines: \(result.stdoutText)")
        }
    }

    /// `local.sh down`, then the DIR is removed unless the test failed (kept for its logs).
    func down(keep: Bool = false) {
        _ = try? localSH(["down"])
        if !keep { try? FileManager.default.removeItem(at: dir) }
    }

    func status() throws -> ChildProcessResult { try localSH(["status"]) }

    // MARK: processes

    /// The pid in `run/<name>.pid`.
    func pid(_ name: String) throws -> Int32 {
        let text = try String(contentsOf: dir.appendingPathComponent("run/\(name).pid"), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ChildProcessError("no pid in run/\(name).pid")
        }
        return pid
    }

    /// True while the process lives and is no zombie (/proc/PID/stat, as local.sh judges it).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.range(of: ")", options: .backwards)
        else { return false }
        let state = stat[close.upperBound...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// SIGKILL to the process of `run/<name>.pid`, then waits until it is gone (a zombie counts).
    func kill9(_ name: String) throws {
        let pid = try pid(name)
        guard kill(pid, SIGKILL) == 0 else { throw ChildProcessError("kill -9 \(name) (\(pid)): errno \(errno)") }
        try Wait.until("\(name) (pid \(pid)) gone after SIGKILL", timeout: 10) { !Self.isAlive(pid) }
    }

    /// The text of `logs/<name>.log`.
    func log(_ name: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent("logs/\(name).log"), encoding: .utf8)) ?? ""
    }

    // MARK: gsctl

    /// Runs gsctl against this cluster (coordinator and token file from local.sh).
    func gsctl(_ arguments: [String], environment extra: [String: String] = [:]) throws -> ChildProcessResult {
        var env = ["GS_COORDINATOR": coordinator, "GS_TOKEN_FILE": tokenFile]
        env.merge(extra) { _, new in new }
        // GS_TOKEN from the test's own environment would compete with the token file.
        return try ChildProcess.run("/usr/bin/env", ["-u", "GS_TOKEN", binDir + "/gsctl"] + arguments, environment: env)
    }

    /// `gsctl jobs list --json`, newest first.
    func jobs() throws -> [GsctlJob] {
        let result = try gsctl(["jobs", "list", "--json", "--limit", "100000"])
        guard result.status == 0 else {
            throw ChildProcessError("gsctl jobs list --json exited \(result.status): \(result.stderrText)")
        }
        do {
            return try JSONDecoder().decode([GsctlJob].self, from: result.stdout)
        } catch {
            throw ChildProcessError("gsctl jobs list --json: not the agreed JSON (\(error)): \(result.stdoutText.prefix(2000))")
        }
    }

    /// Waits until the jobs list holds `count` jobs, all terminal, and returns them oldest first.
    @discardableResult
    func waitForTerminalJobs(count: Int, timeout: Double = 180) throws -> [GsctlJob] {
        var last: [GsctlJob] = []
        try Wait.until(
            "\(count) jobs, all terminal", timeout: timeout,
            detail: { "jobs now: \(last.map(\.brief)); coordinator log tail: \(self.log("coordinator").suffix(1500))" }
        ) {
            last = try jobs()
            return last.count == count && last.allSatisfy(\.isTerminal)
        }
        return last.sorted { $0.jobID < $1.jobID }
    }

    /// Waits until the job landed as `file` exists and `condition` holds for it; returns it.
    @discardableResult
    func waitForJob(file: String, timeout: Double = 180, _ what: String, _ condition: (GsctlJob) -> Bool) throws
        -> GsctlJob
    {
        var found: GsctlJob?
        var seen: GsctlJob?
        try Wait.until(
            "job of \(file): \(what)", timeout: timeout,
            detail: { "last seen: \(seen?.brief ?? "no job"); coordinator log tail: \(self.log("coordinator").suffix(1500))" }
        ) {
            seen = try jobs().first { $0.file == file }
            if let job = seen, condition(job) { found = job }
            return found != nil
        }
        return found!
    }

    // MARK: files

    /// Lands a file the way R-J-1 asks writers to: written under a temp name, then renamed in.
    func land(_ name: String, _ bytes: [UInt8]) throws {
        let temp = landing.appendingPathComponent(".\(name).tmp-\(UUID().uuidString.prefix(8))")
        try Data(bytes).write(to: temp)
        guard rename(temp.path, landing.appendingPathComponent(name).path) == 0 else {
            throw ChildProcessError("rename into landing/\(name): errno \(errno)")
        }
    }

    /// Names of the files in a zone folder, hidden ones left out, sorted.
    func names(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Waits until the zones show what `condition` checks. A job's state turns terminal in the
    /// hot store's transaction; the archive files, the rejects file and the raw file's move follow
    /// it (the commit sequence finishes them, also after a crash), so zone checks wait for them.
    func waitForZones(_ what: String, timeout: Double = 60, _ condition: () throws -> Bool) throws {
        try Wait.until(
            "zones: \(what)", timeout: timeout,
            detail: {
                "landing \(self.names(in: self.landing)), processed \(self.names(in: self.processed)), "
                    + "quarantine \(self.names(in: self.quarantine)), archive \(self.archiveFiles())"
            }, condition)
    }

    /// Paths of the published archive files, relative to `archive/`, sorted.
    func archiveFiles() -> [String] {
        let base = archive.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".parquet") && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .filter { $0.hasPrefix("readings/") }
            .sorted()
    }

    // MARK: PostgreSQL

    /// Runs one query on a fresh connection to the cluster's database.
    func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> QueryResult {
        let connection = try PostgresConnection.connect(url: pgURL, retryForSeconds: 10)
        return try connection.query(sql, parameters)
    }

    /// A single integer result.
    func count(_ sql: String, _ parameters: [PostgresValue] = []) throws -> Int64 {
        let result = try query(sql, parameters)
        guard let cell = result.rows.first?.first, let text = cell, let value = Int64(text) else {
            throw ChildProcessError("\(sql): no integer result")
        }
        return value
    }
}
