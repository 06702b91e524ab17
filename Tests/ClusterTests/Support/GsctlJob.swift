/// One object of `gsctl jobs list --json` (issue 9, "The local cluster's interface"). Row counts
/// are optional: a job that has not run yet may carry null.
struct GsctlJob: Decodable, Sendable {
    var jobID: Int64
    var state: String
    var file: String
    var attempts: Int
    var worker: String?
    var error: String?
    var rowsStored: Int?
    var rowsInterpolated: Int?
    var rowsRejected: Int?
    var rejectsByReason: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case state, file, attempts, worker, error
        case rowsStored = "rows_stored"
        case rowsInterpolated = "rows_interpolated"
        case rowsRejected = "rows_rejected"
        case rejectsByReason = "rejects_by_reason"
    }

    /// succeeded, quarantined or duplicate (R-J-2).
    var isTerminal: Bool { ["succeeded", "quarantined", "duplicate"].contains(state) }

    /// For failure messages.
    var brief: String {
        "#\(jobID) \(file) \(state) attempts=\(attempts) worker=\(worker ?? "-") error=\(error ?? "-")"
    }
}
