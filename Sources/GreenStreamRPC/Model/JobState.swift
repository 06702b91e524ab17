/// The lifecycle of a job (R-J-2), `greenstream.v1.JobState`.
public enum JobState: Int32, Sendable, CaseIterable {
    case pending = 1
    case running = 2
    case retrying = 3
    case succeeded = 4
    case quarantined = 5
    case duplicate = 6
}

/// A job and one of its attempts (`greenstream.v1.JobRef`); results and heartbeats
/// name both so stale attempts can be fenced (R-J-4).
public struct JobRef: Sendable, Hashable {
    public var jobID: Int64
    public var attempt: UInt32

    public init(jobID: Int64, attempt: UInt32) {
        self.jobID = jobID
        self.attempt = attempt
    }
}

/// Which stage a running job is in (`greenstream.v1.JobStage`).
public enum JobStage: Int32, Sendable, CaseIterable {
    case reading = 1
    case transforming = 2
    case encoding = 3
    case reporting = 4
}

/// Whether a failed job may be retried (`greenstream.v1.FailureKind`).
public enum FailureKind: Int32, Sendable, CaseIterable {
    /// The file itself is bad (R-IN-3): quarantine at once.
    case permanent = 1
    /// Anything else: retry with backoff (R-J-3).
    case retryable = 2
}
