/// What a recorded failure did to the job.
public enum JobFailureOutcome: Sendable, Equatable {
    /// Waiting for its backoff; claimable from `nextAttemptAt`.
    case retrying(nextAttemptAt: Double)
    /// Out of retries or permanently failed.
    case quarantined
    /// The lease was stale: a newer attempt exists or the job already ended. Nothing changed.
    case fenced
}
