import Foundation

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
/// Why not `Process.waitUntilExit()`: on Linux it spins a run loop and, called off the
/// main thread (where swift-testing runs tests) under load, it can miss the child's exit
/// and hang forever. Here the exit arrives through `terminationHandler`, registered
/// before the child starts, and both pipes are drained at once so a chatty child can
/// never block on a full pipe.
public enum ChildProcess {
    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`; `environment`
    /// adds to (or overrides) this process's environment, e.g. `["GS_PG_DIR": dir]`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> ChildProcessResult {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let stderrBox = DataBox()
        let stderrDrained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            stderrDrained.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        stderrDrained.wait()
        exited.wait()
        return ChildProcessResult(status: process.terminationStatus, stdout: stdout, stderr: stderrBox.data)
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

/// Written by the stderr reader thread before it signals, read after the wait.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
