import ArgumentParser

/// `gsctl workers list`.
struct Workers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the workers the coordinator knows.", subcommands: [WorkersList.self],
        defaultSubcommand: WorkersList.self)
}

struct WorkersList: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract:
            "List workers: id, host, version, address, registration, last heartbeat, jobs in flight (job/attempt)."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest { .listWorkers(json: json) }
}

/// `gsctl ingest FILE…` (R-J-1): the bytes travel to the coordinator, which lands them atomically.
struct Ingest: CtlCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send files to the coordinator, which lands each in landing/ and creates its job.",
        discussion: """
            Each file lands under its base name. One request carries at most 64 MiB minus 64 KiB; \
            larger files are refused before anything is sent (copy them into the landing zone). \
            Prints one line per file: NAME: job ID pending (or duplicate, when an identical file \
            already succeeded).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "CSV files to ingest.")
    var files: [String]

    @Flag(help: "Print JSON ([{file, job_id, state}]).")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest {
        guard !files.isEmpty else { throw CtlUsageError("give at least one FILE") }
        return .ingest(files: files, json: json)
    }
}

/// `gsctl stats`.
struct Stats: CtlCommand {
    static let configuration = CommandConfiguration(
        abstract: "Jobs per state, readings stored, workers alive and polls waiting for work.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest { .stats(json: json) }
}

/// `gsctl peak [--day D] [--top N]` (R-F-3).
struct Peak: CtlCommand {
    static let configuration = CommandConfiguration(
        abstract: "The day's peak hours: coincident load over all meters, highest first, in the grid time zone.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The day, YYYY-MM-DD in the grid time zone (default: today).")
    var day: String?

    @Option(help: "How many hours, 1–24 (default 24).")
    var top: Int = 24

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest {
        guard (1...24).contains(top) else { throw CtlUsageError("--top must be 1–24, not \(top)") }
        if let day {
            let parts = day.split(separator: "-", omittingEmptySubsequences: false)
            guard day.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
                let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), y >= 1, (1...12).contains(m),
                (1...31).contains(d)
            else { throw CtlUsageError("--day must be YYYY-MM-DD, not '\(day)'") }
        }
        return .peak(day: day ?? "", top: top, json: json)
    }
}
