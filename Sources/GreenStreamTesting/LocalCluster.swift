import Foundation

/// One local cluster for one test: `cluster/local.sh` on a temporary DIR, with the debug build's
/// `greenstream` and `gsctl` (found beside the test bundle) as GS_BIN_DIR. Real processes, real
/// sockets, a real PostgreSQL; call ``down(keep:)`` when done (the daemons run in their own sessions
/// and outlive the test process otherwise; scripts/test.sh sweeps what a crashed run left).
///
/// The part every cluster-driving test target shares (ClusterTests, DashboardTests, LoadTestTests):
/// making the DIR, `up`/`down`/`status`, the export lines, pids, logs, landing a file. Each target
/// adds its own helpers (gsctl and zones, the dashboard URL, gs-loadtest) in extensions or wrappers,
/// and its own database queries (this library does not link Postgres on purpose: the benches that
/// use it need not).
public final class LocalCluster {
    /// Where leftover clusters are found by scripts/test.sh.
    public static let root = URL(fileURLWithPath: "/tmp/greenstream-cluster-tests")

    public let dir: URL
    public let binDir: String
    /// Extra environment for local.sh and through it the daemons (GS_HEARTBEAT_TIMEOUT, GS_RETRIES,
    /// GS_HTTP_LISTEN, GS_METRICS, …): local.sh passes GS_* variables on to them.
    public let environment: [String: String]
    /// The `export NAME=VALUE` lines of the last `up` (values as printed, %q-quoted only when needed).
    public private(set) var exports: [String: String] = [:]

    /// Creates `root/<dirPrefix><test name>-<random>` and runs `local.sh up --workers N` on it.
    public init(
        workers: Int, environment: [String: String] = [:], root: URL = LocalCluster.root, dirPrefix: String = "",
        name: String = #function
    ) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }.prefix(40)
        dir = root.appendingPathComponent("\(dirPrefix)\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        binDir = try Self.findBinDir()
        self.environment = environment
        try up(workers: workers)
    }

    public var dataDir: String { exports["GS_DATA_DIR"] ?? "" }
    public var pgURL: String { exports["GS_PG_URL"] ?? "" }
    public var coordinator: String { exports["GS_COORDINATOR"] ?? "" }
    public var tokenFile: String { exports["GS_TOKEN_FILE"] ?? "" }
    public var landing: URL { URL(fileURLWithPath: dataDir).appendingPathComponent("landing") }

    // MARK: local.sh

    public static var repoRoot: URL {
        // Sources/GreenStreamTesting/LocalCluster.swift → the repository.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The folder holding both `greenstream` and `gsctl` of this build: beside the test bundle
    /// or one level up, as for the CLI tests.
    public static func findBinDir() throws -> String {
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

    /// `local.sh up`: starts whatever of the cluster is missing, waits for the coordinator and
    /// reads the export lines.
    @discardableResult
    public func up(workers: Int) throws -> ChildProcessResult {
        let result = try localSH(["up", "--workers", String(workers)])
        guard result.status == 0 else {
            throw ChildProcessError("local.sh up failed (\(result.status)): \(result.stderrText)")
        }
        var found: [String: String] = [:]
        for line in result.stdoutText.split(separator: "\n") {
            guard line.hasPrefix("export "), let eq = line.firstIndex(of: "=") else { continue }
            found[String(line[line.index(line.startIndex, offsetBy: 7)..<eq])] = String(line[line.index(after: eq)...])
        }
        guard ["GS_DATA_DIR", "GS_PG_URL", "GS_COORDINATOR", "GS_TOKEN_FILE"].allSatisfy({ found[$0] != nil }) else {
            throw ChildProcessError("local.sh up printed no complete export lines: \(result.stdoutText)")
        }
        exports = found
        return result
    }

    /// `local.sh down`, then the DIR is removed unless kept (a failed test keeps it for its logs).
    public func down(keep: Bool = false) {
        _ = try? localSH(["down"])
        if !keep { try? FileManager.default.removeItem(at: dir) }
    }

    public func status() throws -> ChildProcessResult { try localSH(["status"]) }

    /// Runs `body` on a fresh cluster (seen through `view`: the cluster itself, or a target's wrapper
    /// around it) and stops it afterwards. A failed body keeps the DIR (logs, zones, database) and
    /// names it in the error.
    public static func with<View, T>(
        workers: Int, environment: [String: String] = [:], root: URL = LocalCluster.root, dirPrefix: String = "",
        name: String = #function, view: (LocalCluster) throws -> View, _ body: (View) throws -> T
    ) throws -> T {
        let cluster = try LocalCluster(
            workers: workers, environment: environment, root: root, dirPrefix: dirPrefix, name: name)
        do {
            let value = try body(try view(cluster))
            cluster.down()
            return value
        } catch {
            cluster.down(keep: true)
            throw ChildProcessError("\(error) [cluster kept in \(cluster.dir.path)]")
        }
    }

    /// The async form of ``with(workers:environment:root:dirPrefix:name:view:_:)``, for tests that
    /// talk RPC themselves.
    public static func with<View, T>(
        workers: Int, environment: [String: String] = [:], root: URL = LocalCluster.root, dirPrefix: String = "",
        name: String = #function, view: (LocalCluster) throws -> View, _ body: (View) async throws -> T
    ) async throws -> T {
        let cluster = try LocalCluster(
            workers: workers, environment: environment, root: root, dirPrefix: dirPrefix, name: name)
        do {
            let value = try await body(try view(cluster))
            cluster.down()
            return value
        } catch {
            cluster.down(keep: true)
            throw ChildProcessError("\(error) [cluster kept in \(cluster.dir.path)]")
        }
    }

    // MARK: processes

    /// The pid in `run/<name>.pid`.
    public func pid(_ name: String) throws -> Int32 {
        let text = try String(contentsOf: dir.appendingPathComponent("run/\(name).pid"), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ChildProcessError("no pid in run/\(name).pid")
        }
        return pid
    }

    /// True while the process lives and is no zombie (/proc/PID/stat, as local.sh judges it).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.range(of: ")", options: .backwards)
        else { return false }
        let state = stat[close.upperBound...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// SIGKILL to the process of `run/<name>.pid`, then waits until it is gone (a zombie counts).
    public func kill9(_ name: String) throws {
        let pid = try pid(name)
        guard kill(pid, SIGKILL) == 0 else { throw ChildProcessError("kill -9 \(name) (\(pid)): errno \(errno)") }
        try Wait.until("\(name) (pid \(pid)) gone after SIGKILL", timeout: 10) { !Self.isAlive(pid) }
    }

    /// The text of `logs/<name>.log`.
    public func log(_ name: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent("logs/\(name).log"), encoding: .utf8)) ?? ""
    }

    // MARK: files

    /// Lands a file the way R-J-1 asks writers to: written under a temp name, then renamed in.
    public func land(_ name: String, _ bytes: [UInt8]) throws {
        let temp = landing.appendingPathComponent(".\(name).tmp-\(UUID().uuidString.prefix(8))")
        try Data(bytes).write(to: temp)
        guard rename(temp.path, landing.appendingPathComponent(name).path) == 0 else {
            throw ChildProcessError("rename into landing/\(name): errno \(errno)")
        }
    }
}
