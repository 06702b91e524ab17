// The cluster's processes as cluster/local.sh records them: DIR/run/<name>.pid for postgres,
// coordinator, worker-1 … worker-N. Liveness comes from /proc/PID/stat, not kill(pid, 0): PID 1
// on these machines does not reap orphans, so a daemon killed with SIGKILL stays a zombie (state
// Z), which counts as dead (../shared/notes/cluster.md).
import Foundation

/// Reads the pid files of one cluster directory and the /proc entries they name.
public struct ClusterProcesses: Sendable {
    /// The cluster directory (holds `run/`).
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Names with a pid file: workers in numeric order, then coordinator, then postgres.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/run")) ?? []
        let names = files.filter { $0.hasSuffix(".pid") }.map { String($0.dropLast(4)) }
        let workers = names.filter { $0.hasPrefix("worker-") }
            .sorted { (Int($0.dropFirst(7)) ?? 0) < (Int($1.dropFirst(7)) ?? 0) }
        return workers + names.filter { !$0.hasPrefix("worker-") }.sorted()
    }

    /// The worker names (`worker-1` …).
    public func workers() -> [String] { names().filter { $0.hasPrefix("worker-") } }

    /// The pid in `run/<name>.pid`, or nil.
    public func pid(_ name: String) -> Int32? {
        guard let text = try? String(contentsOfFile: "\(directory)/run/\(name).pid", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// True while `pid` exists and is no zombie.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let state = procState(pid) else { return false }
        return state != "Z" && state != "X" && state != "x"
    }

    /// The state letter from /proc/PID/stat (after the command name's last `)`), or nil.
    static func procState(_ pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.range(of: ")", options: .backwards)
        else { return nil }
        return stat[close.upperBound...].trimmingCharacters(in: .whitespaces).first
    }

    /// True when the process of `name` lives.
    public func isAlive(_ name: String) -> Bool { pid(name).map(Self.isAlive) ?? false }

    /// Peak resident memory (VmHWM, bytes) of the live process of `name`, or nil. A restarted
    /// process's figure starts again from its new start.
    public func peakResidentBytes(_ name: String) -> Int64? {
        guard let pid = pid(name), Self.isAlive(pid),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Int64(fields[1]) { return kib * 1024 }
        }
        return nil
    }

    /// Sends `signal` to the process of `name` and waits (on /proc, up to `timeout` s) until it is gone.
    /// - Returns: the pid signalled.
    @discardableResult
    public func signalAndWait(_ name: String, signal: Int32, timeout: Double = 60) throws -> Int32 {
        guard let pid = pid(name), Self.isAlive(pid) else {
            throw LoadTestError("chaos: \(name) is not running (no live pid in \(directory)/run/\(name).pid)")
        }
        guard kill(pid, signal) == 0 else { throw LoadTestError("chaos: kill(\(pid), \(signal)) for \(name): errno \(errno)") }
        let deadline = Date().addingTimeInterval(timeout)
        while Self.isAlive(pid) {
            if Date() > deadline { throw LoadTestError("chaos: \(name) (pid \(pid)) still alive \(timeout) s after signal \(signal)") }
            usleep(20_000)  // polling /proc: there is no wait() for a process that is not our child
        }
        return pid
    }
}
