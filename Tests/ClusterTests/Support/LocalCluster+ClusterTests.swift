import Foundation
import GreenStreamTesting
import Postgres
import Testing

/// What only the cluster tests need of a local cluster (the cluster itself, its DIR, `up`/`down`,
/// pids, logs and landing are GreenStreamTesting's ``LocalCluster``): gsctl, the jobs list, the
/// zones and the archive, queries on the cluster's database.
extension LocalCluster {
    var processed: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("processed") }
    var quarantine: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("quarantine") }
    var archive: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("archive") }

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
