import ArgumentParser
import Foundation
import GreenStreamCore

/// A gsctl leaf command: its parsed arguments as a ``CtlRequest``.
protocol CtlCommand: ParsableCommand {
    var connection: ConnectionOptions { get }
    func request() throws(CtlUsageError) -> CtlRequest
}

/// `gsctl`: the operator's command line for a GreenStream cluster (SPEC §9, R-O-1…R-O-3).
public struct Gsctl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gsctl",
        abstract: "Operate a GreenStream cluster: jobs, workers, ingest, stats and peak hours.",
        discussion: """
            Every command talks to the coordinator's admin endpoint (--coordinator or \
            GS_COORDINATOR) with the cluster token (--token-file / GS_TOKEN_FILE, or --token / \
            GS_TOKEN). Output is a table by default and JSON with --json. Errors are one line on \
            standard error and exit status 1.
            """,
        subcommands: [Jobs.self, Workers.self, Ingest.self, Stats.self, Peak.self]
    )

    public init() {}

    /// Parses `arguments`, runs the command and says what to print: the whole of gsctl but the
    /// printing, so tests can drive it with an environment of their choosing.
    public static func invoke(_ arguments: [String], environment: [String: String]) async -> CtlOutput {
        let leaf: any CtlCommand
        do {
            var command = try parseAsRoot(connectionOptionsLast(arguments))
            guard let c = command as? any CtlCommand else {
                // `help`, `--help` and bare groups: their run() throws the help request.
                try command.run()
                return CtlOutput()
            }
            leaf = c
        } catch {
            let text = fullMessage(for: error)
            if exitCode(for: error) == .success { return CtlOutput(stdout: text + "\n") }
            return .failure(firstLine(of: text))
        }
        do {
            let request = try leaf.request()
            let settings = try leaf.connection.settings(environment: environment)
            return await Ctl.execute(request, settings: settings)
        } catch {
            return .failure(error.description)
        }
    }

    /// The process entry point: runs ``invoke(_:environment:)`` on the real arguments and exits.
    public static func runMain() async -> Never {
        let output = await invoke(
            Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        FileHandle.standardOutput.write(Data(output.stdout.utf8))
        FileHandle.standardError.write(Data(output.stderr.utf8))
        Foundation.exit(output.exitCode)
    }

    /// The connection options name the cluster, not the command, so operators write them first as
    /// often as last (`gsctl --coordinator tcp://h:7400 stats`). ArgumentParser reads a leaf's
    /// options only after its name: those given before the first command word move to the end.
    static func connectionOptionsLast(_ arguments: [String]) -> [String] {
        let withValue: Set<String> = ["--coordinator", "--token-file", "--token", "--timeout", "--tls-ca"]
        var leading: [String] = []
        var i = 0
        while i < arguments.count, arguments[i].hasPrefix("--") {
            let name = String(arguments[i].split(separator: "=", maxSplits: 1)[0])
            guard withValue.contains(name) else { break }
            if arguments[i].contains("=") || i + 1 == arguments.count {
                leading.append(arguments[i])
                i += 1
            } else {
                leading += arguments[i...(i + 1)]
                i += 2
            }
        }
        guard !leading.isEmpty else { return arguments }
        return Array(arguments[i...]) + leading
    }

    /// "Error: x" → "x": ArgumentParser's message as one line.
    static func firstLine(of text: String) -> String {
        var line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        if line.hasPrefix("Error: ") { line.removeFirst("Error: ".count) }
        return line
    }
}

/// `--state NAME` → a job state, with the SPEC's lower-case names.
func parseState(_ name: String) throws(CtlUsageError) -> JobState {
    guard let state = JobState(rawValue: name.lowercased()) else {
        throw CtlUsageError(
            "unknown state '\(name)' (one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return state
}
