/// The job lifecycle (R-J-2), mirrored by the `job_state` enum in PostgreSQL.
public enum JobState: String, Sendable, CaseIterable, Codable {
    /// Created from a landed file; waiting to be claimed. ``JobStore/jobCreate(_:)`` puts jobs
    /// here and ``JobStore/jobRetry(id:)`` brings quarantined ones back.
    case pending
    /// Claimed by a worker (``JobStore/jobClaimNext(workerID:)``); leaves through a commit,
    /// a recorded failure or the rescuer.
    case running
    /// A retryable attempt failed; claimable again once `next_attempt_at` passes.
    case retrying
    /// Its readings and rollups committed (``HotStore/commit(_:)``). Terminal.
    case succeeded
    /// A permanent failure, or its attempt budget is spent. Terminal until retried by an operator.
    case quarantined
    /// Same SHA-256 as an already succeeded job; not reprocessed. Terminal.
    case duplicate

    /// Whether the job has reached an outcome (`finished_at` is set).
    public var isTerminal: Bool { self == .succeeded || self == .quarantined || self == .duplicate }
}

/// The fencing token of one attempt (R-J-4): every assignment carries it, and every transition
/// after the attempt checks that it is still the job's current one.
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
public enum JobFailureKind: Sendable, Equatable {
    /// Worker lost, worker error, sink error (R-J-3): retried with backoff while budget remains.
    case retryable
    /// The file itself is unusable (R-IN-3): quarantined at once.
    case permanent
}

/// What a recorded failure did to the job.
public enum JobFailureOutcome: Sendable, Equatable {
    /// Waiting for its backoff; claimable from `nextAttemptAt`.
    case retrying(nextAttemptAt: Double)
    /// Out of retries or permanently failed.
    case quarantined
    /// The lease was stale: a newer attempt exists or the job already ended. Nothing changed.
    case fenced
}
