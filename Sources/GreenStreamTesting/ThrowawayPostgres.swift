import Foundation

/// `cluster/postgres.sh`, driven from Swift: a private throwaway PostgreSQL in a directory of the
/// caller's, for benchmarks and for tests that must stop and restart a server of their own.
/// Runs the script through ``ChildProcess`` (the package's one child-process runner).
public struct ThrowawayPostgres: Sendable {
    /// The script's path.
    public let script: String
    /// The server's data directory (`GS_PG_DIR`).
    public let directory: String

    /// - Parameters:
    ///   - script: `cluster/postgres.sh`; by default relative to the current directory (the
    ///     repository root, where benchmarks are run from).
    ///   - directory: the data directory the server owns.
    public init(script: String = "cluster/postgres.sh", directory: String) {
        self.script = script
        self.directory = directory
    }

    /// Runs `postgres.sh <command>` (`start`, `stop`, `halt`, `url`) and returns its standard output.
    /// - Throws: ``ThrowawayPostgresError`` when the script exits non-zero, with what it printed.
    @discardableResult
    public func run(_ command: String) throws -> String {
        let result = try ChildProcess.run("bash", [script, command], environment: ["GS_PG_DIR": directory])
        guard result.status == 0 else {
            throw ThrowawayPostgresError(
                description: "\(script) \(command) exited with status \(result.status): "
                    + result.stdoutText + result.stderrText)
        }
        return result.stdoutText
    }

    /// Starts (or resumes) the server and returns its URL, from the `export GS_PG_URL=…` line.
    public func start() throws -> String {
        let output = try run("start")
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("export GS_PG_URL=") }) else {
            throw ThrowawayPostgresError(description: "\(script) start printed no URL: \(output)")
        }
        return String(line.dropFirst("export GS_PG_URL=".count))
    }
}

/// `cluster/postgres.sh` failed.
public struct ThrowawayPostgresError: Error, CustomStringConvertible {
    public let description: String
}
