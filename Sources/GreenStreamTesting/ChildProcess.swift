import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process left behind.
public struct ChildProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs a child process to completion, for tests and benchmarks that drive real programs
/// (the `greenstream` binary, Python with pyarrow and DuckDB, openssl, cluster scripts).
/// The one runner of the package: use it rather than `Process` or `popen` directly.
///
/// Why not Foundation's `Process`: on Linux its exit monitoring was seen to miss a child's exit
/// (both `waitUntilExit()` and `terminationHandler`, the child left a zombie) when two tests
/// spawned children at the same moment. Here the child is started with `posix_spawnp` and
/// reaped with a blocking `waitpid` on its own pid, which cannot miss it.
///
/// Why files, not pipes, for the output: a script that starts a daemon (cluster/postgres.sh,
/// cluster/local.sh) passes its descriptors on to it, and a reader waiting for end-of-file on
/// a pipe would wait as long as the daemon lives. Output files are read once the child has
/// exited, whoever still holds them open.
public enum ChildProcess {
    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`; `environment`
    /// adds to (or overrides) this process's environment, e.g. `["GS_PG_DIR": dir]`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> ChildProcessResult {
        let stem = NSTemporaryDirectory() + "greenstream-child-\(getpid())-\(UUID().uuidString)"
        let outPath = stem + ".out"
        let errPath = stem + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ChildProcessError("waitpid for \(executable) failed: errno \(errno)") }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        return ChildProcessResult(status: exitStatus, stdout: stdout, stderr: stderr)
    }

    /// ``run(_:_:environment:)`` on a thread of its own, for tests that host a server in this process
    /// (an `RPCServer` runs its handlers as tasks): a blocking `waitpid` on one of the few cooperative
    /// threads — two on a 2-core machine — starves those handlers once two such tests run at once, and
    /// the child then waits in vain for an answer.
    public static func runOffPool(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> ChildProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try run(executable, arguments, environment: environment) })
            }
            thread.start()
        }
    }

    /// The `greenstream` executable SwiftPM built beside the running test bundle.
    public static func greenstreamBinary() throws -> String { try builtBinary("greenstream") }

    /// An executable of this package (`greenstream`, `gsctl`) SwiftPM built beside the running test bundle.
    public static func builtBinary(_ name: String) throws -> String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [beside, beside.deletingLastPathComponent()].map { $0.appendingPathComponent(name).path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ChildProcessError("\(name) binary not built; looked at \(candidates)")
        }
        return found
    }
}

/// A child process could not be found or started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
