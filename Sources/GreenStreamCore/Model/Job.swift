/// The job lifecycle (R-J-2). The raw values are the spec's state names and the labels of
/// the `job_state` enum in PostgreSQL; the RPC codec maps them to proto numbers.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Created from a landed file; waiting to be claimed. `JobStore.jobCreate` puts jobs
    /// here and `JobStore.jobRetry` brings quarantined ones back.
    case pending
    /// Claimed by a worker (`JobStore.jobClaimNext`); leaves through a commit,
    /// a recorded failure or the rescuer.
    case running
    /// A retryable attempt failed; claimable again once `next_attempt_at` passes.
    case retrying
    /// Its readings and rollups committed (`HotStore.commit`). Terminal.
    case succeeded
    /// A permanent failure, or its attempt budget is spent. Terminal until retried by an operator.
    case quarantined
    /// Same SHA-256 as an already succeeded job; not reprocessed. Terminal.
    case duplicate

    /// Whether the job has reached an outcome (`finished_at` is set).
    public var isTerminal: Bool { self == .succeeded || self == .quarantined || self == .duplicate }
}

/// A job and one of its attempts: the fencing token (R-J-4). Every assignment carries it,
/// and every transition, result and heartbeat after the attempt names it, so a stale
/// attempt is refused.
public struct JobLease: Sendable, Hashable, CustomStringConvertible {
    public let jobID: Int64
    public let attempt: Int32

    public init(jobID: Int64, attempt: Int32) {
        self.jobID = jobID
        self.attempt = attempt
    }

    public var description: String { "job \(jobID) attempt \(attempt)" }
}

/// Why an attempt ended without success.
public enum JobFailureKind: Sendable, Hashable, CaseIterable {
    /// Worker lost, worker error, sink error (R-J-3): retried with backoff while budget remains.
    case retryable
    /// The file itself is unusable (R-IN-3): quarantined at once.
    case permanent
}
