import ArgumentParser
import GreenStreamCore

/// `gsctl jobs list|show|retry`.
struct Jobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show and retry jobs.",
        subcommands: [JobsList.self, JobsShow.self, JobsRetry.self],
        defaultSubcommand: JobsList.self
    )
}

/// `gsctl jobs list [--state S] [--limit N] [--json]` (R-O-1).
struct JobsList: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List jobs, newest first.",
        discussion: """
            The table shows job id, state, attempts, file, rows stored (measured + interpolated), \
            interpolated and rejected, the worker of the latest attempt, age since the file landed, \
            and the error. --json prints one JSON array with job_id, state, file, attempts, worker, \
            error, rows_stored, rows_interpolated, rows_rejected, rejects_by_reason (reason → count), \
            created_at and updated_at.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Only jobs in this state: pending, running, retrying, succeeded, quarantined or duplicate.")
    var state: String?

    @Option(help: "At most this many jobs (default 100000); a note on standard error says when more exist.")
    var limit: Int = 100_000

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest {
        guard limit >= 1 else { throw CtlUsageError("--limit must be at least 1") }
        return .listJobs(
            state: try state.map { (s) throws(CtlUsageError) in try parseState(s) }, limit: limit, json: json)
    }
}

/// `gsctl jobs show ID [--json]` (R-O-2, R-J-8).
struct JobsShow: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one job: its file, row counts, rejects per reason and every attempt.",
        discussion: "Each attempt (R-J-8) shows its worker, start, end, outcome and error."
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Print JSON instead of text (the list fields plus file_sha256, file_size and history).")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest { .showJob(id: id, json: json) }
}

/// `gsctl jobs retry ID…` or `gsctl jobs retry --state quarantined [--reason R]` (R-J-6).
struct JobsRetry: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send quarantined jobs through again: by id, or all in a state (and with a reason).",
        discussion: """
            Examples: 'gsctl jobs retry 42 43', 'gsctl jobs retry --state quarantined', \
            'gsctl jobs retry --state quarantined --reason worker_lost'. Prints the ids sent through again.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Ids of the jobs to retry.")
    var ids: [Int64] = []

    @Option(help: "Retry every job in this state (normally quarantined) instead of naming ids.")
    var state: String?

    @Option(
        help: "With --state: only jobs whose error is exactly this reason, e.g. worker_lost or missing_column:unit.")
    var reason: String?

    @Flag(help: "Print JSON ({\"retried\": [ids]}).")
    var json = false

    func request() throws(CtlUsageError) -> CtlRequest {
        switch (ids.isEmpty, state) {
        case (false, nil):
            guard reason == nil else { throw CtlUsageError("--reason goes with --state, not with job ids") }
            return .retryJobs(ids: ids, json: json)
        case (true, let name?):
            return .retryMatching(state: try parseState(name), reason: reason ?? "", json: json)
        case (false, _?):
            throw CtlUsageError("give job ids or --state, not both")
        case (true, nil):
            throw CtlUsageError("give job ids, or --state (e.g. --state quarantined)")
        }
    }
}
