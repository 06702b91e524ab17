import Foundation
import GreenStreamCore
import Testing

@testable import GreenStreamCtl

/// Options and environment → requests and settings.
@Suite struct OptionTests {
    static func tokenFile(_ content: String) throws -> String {
        let path = NSTemporaryDirectory() + "gs-ctl-token-\(UUID().uuidString)"
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func request(_ arguments: [String]) throws -> CtlRequest {
        guard let command = try Gsctl.parseAsRoot(arguments) as? any CtlCommand else {
            throw CtlUsageError("not a leaf command")
        }
        return try command.request()
    }

    @Test("R-R-3 the token file's surrounding whitespace is not part of the token")
    func tokenFileIsTrimmed() throws {
        let path = try Self.tokenFile("  \n\ts3cret token\t\r\n\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromOption = try ConnectionOptions.parse(["--coordinator", "tcp://h:1", "--token-file", path])
        #expect(try fromOption.settings(environment: [:]).token == "s3cret token")
        let fromEnvironment = try ConnectionOptions.parse([])
        let settings = try fromEnvironment.settings(environment: [
            "GS_COORDINATOR": "ipc:///tmp/x", "GS_TOKEN_FILE": path,
        ])
        #expect(settings == CtlSettings(coordinator: "ipc:///tmp/x", token: "s3cret token", timeout: .seconds(5)))
    }

    @Test func optionsBeatTheEnvironmentAndATokenBeatsAFile() throws {
        let path = try Self.tokenFile("from-file\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let env = ["GS_COORDINATOR": "tcp://env:1", "GS_TOKEN": "from-env", "GS_TOKEN_FILE": path]
        #expect(try ConnectionOptions.parse([]).settings(environment: env).token == "from-file")
        #expect(
            try ConnectionOptions.parse(["--token", "literal", "--coordinator", "tcp://opt:2", "--timeout", "2.5"])
                .settings(environment: env)
                == CtlSettings(coordinator: "tcp://opt:2", token: "literal", timeout: .milliseconds(2500)))
        #expect(
            try ConnectionOptions.parse([]).settings(environment: ["GS_COORDINATOR": "tcp://e:1", "GS_TOKEN": "t"])
                .token == "t")
        // --token-file on the command line beats GS_TOKEN from the environment.
        #expect(try ConnectionOptions.parse(["--token-file", path]).settings(environment: env).token == "from-file")
    }

    @Test(
        "Missing or bad connection settings are one clear line",
        arguments: [
            ([String](), [String: String](), "no coordinator: give --coordinator or set GS_COORDINATOR"),
            (
                ["--coordinator", "http://h"], ["GS_TOKEN": "t"],
                "--coordinator must be tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc:///PATH, not 'http://h'"
            ),
            (
                ["--coordinator", "tcp://h:1"], [:],
                "no cluster token: give --token, --token-file, GS_TOKEN or GS_TOKEN_FILE"
            ),
            (
                ["--coordinator", "tcp://h:1", "--token-file", "/nonexistent/t"], [:],
                "cannot read the token file /nonexistent/t: No such file or directory"
            ),
            (
                ["--coordinator", "tcp://h:1", "--token", "t", "--timeout", "0"], [:],
                "--timeout must be a number of seconds above 0"
            ),
            (
                ["--coordinator", "tls+tcp://h:1", "--token", "t"], [:],
                "a tls+tcp:// coordinator needs --tls-ca or GS_TLS_CA"
            ),
        ])
    func badSettings(arguments: [String], environment: [String: String], message: String) throws {
        #expect(throws: CtlUsageError(message)) {
            try ConnectionOptions.parse(arguments).settings(environment: environment)
        }
    }

    @Test func blankTokenFileIsRefused() throws {
        let path = try Self.tokenFile(" \n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: CtlUsageError("the token file \(path) is empty")) {
            try ConnectionOptions.parse(["--coordinator", "tcp://h:1", "--token-file", path]).settings(environment: [:])
        }
    }

    @Test("R-O-1 R-O-2 commands parse to requests")
    func commandsParse() throws {
        #expect(try Self.request(["jobs", "list"]) == .listJobs(state: nil, limit: 100_000, json: false))
        #expect(try Self.request(["jobs"]) == .listJobs(state: nil, limit: 100_000, json: false))
        #expect(
            try Self.request(["jobs", "list", "--state", "quarantined", "--limit", "20", "--json"])
                == .listJobs(state: .quarantined, limit: 20, json: true))
        #expect(try Self.request(["jobs", "show", "42", "--json"]) == .showJob(id: 42, json: true))
        #expect(try Self.request(["jobs", "retry", "4", "5"]) == .retryJobs(ids: [4, 5], json: false))
        #expect(
            try Self.request(["jobs", "retry", "--state", "quarantined", "--reason", "worker_lost"])
                == .retryMatching(state: .quarantined, reason: "worker_lost", json: false))
        #expect(
            try Self.request(["jobs", "retry", "--state", "quarantined"])
                == .retryMatching(state: .quarantined, reason: "", json: false))
        #expect(try Self.request(["workers", "list", "--json"]) == .listWorkers(json: true))
        #expect(try Self.request(["workers"]) == .listWorkers(json: false))
        #expect(try Self.request(["ingest", "a.csv", "b.csv"]) == .ingest(files: ["a.csv", "b.csv"], json: false))
        #expect(try Self.request(["stats", "--json"]) == .stats(json: true))
        #expect(try Self.request(["peak"]) == .peak(day: "", top: 24, json: false))
        #expect(
            try Self.request(["peak", "--day", "2024-06-01", "--top", "3"])
                == .peak(day: "2024-06-01", top: 3, json: false))
    }

    @Test(
        "R-O-3 usage mistakes are one line",
        arguments: [
            (
                ["jobs", "list", "--state", "done"],
                "unknown state 'done' (one of pending, running, retrying, succeeded, quarantined, duplicate)"
            ),
            (["jobs", "list", "--limit", "0"], "--limit must be at least 1"),
            (["jobs", "retry"], "give job ids, or --state (e.g. --state quarantined)"),
            (["jobs", "retry", "4", "--state", "quarantined"], "give job ids or --state, not both"),
            (["jobs", "retry", "4", "--reason", "x"], "--reason goes with --state, not with job ids"),
            (["peak", "--top", "25"], "--top must be 1–24, not 25"),
            (["peak", "--day", "2024-6-1"], "--day must be YYYY-MM-DD, not '2024-6-1'"),
        ])
    func usageMistakes(arguments: [String], message: String) async {
        let output = await Gsctl.invoke(
            arguments, environment: ["GS_COORDINATOR": "tcp://127.0.0.1:1", "GS_TOKEN": "t"])
        #expect(output == .failure(message))
    }

    @Test("R-O-3 unknown commands and bad arguments are one line too; --help is help on stdout")
    func parserErrorsAndHelp() async {
        let unknown = await Gsctl.invoke(["jobs", "lst"], environment: [:])
        #expect(unknown.exitCode == 1 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.hasPrefix("gsctl: ") && unknown.stderr.filter { $0 == "\n" }.count == 1)
        let badID = await Gsctl.invoke(["jobs", "show", "x"], environment: [:])
        #expect(badID.exitCode == 1 && badID.stderr.filter { $0 == "\n" }.count == 1)
        for arguments in [["--help"], ["help"], ["jobs", "list", "--help"], ["help", "peak"]] {
            let help = await Gsctl.invoke(arguments, environment: [:])
            #expect(help.exitCode == 0 && help.stderr.isEmpty && help.stdout.contains("USAGE: gsctl"), "\(arguments)")
        }
    }

    @Test("R-O-3 every command and option is documented by --help")
    func everyOptionHasHelp() async {
        let commands: [([String], [String])] = [
            (
                ["jobs", "list"],
                ["--state", "--limit", "--json", "--coordinator", "--token-file", "--token", "--timeout", "--tls-ca"]
            ),
            (["jobs", "show"], ["<id>", "--json"]),
            (["jobs", "retry"], ["<ids>", "--state", "--reason", "--json"]),
            (["workers", "list"], ["--json"]),
            (["ingest"], ["<files>", "--json"]),
            (["stats"], ["--json"]),
            (["peak"], ["--day", "--top", "--json"]),
        ]
        for (path, options) in commands {
            let help = await Gsctl.invoke(["help"] + path, environment: [:]).stdout
            #expect(help.contains("OVERVIEW: "), "\(path)")
            for option in options {
                // Each option's line in OPTIONS/ARGUMENTS carries a description after it.
                let documented = help.split(separator: "\n").contains { line in
                    let t = line.trimmingCharacters(in: .whitespaces)
                    return t.hasPrefix(option) && t.count > option.count + 12
                }
                #expect(documented, "\(path) \(option)")
            }
        }
        let root = await Gsctl.invoke(["--help"], environment: [:]).stdout
        for sub in ["jobs", "workers", "ingest", "stats", "peak"] { #expect(root.contains("  \(sub)  ")) }
    }
}
