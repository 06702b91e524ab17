// The per-job events the coordinator reacts to, as a pure state machine (R-J-2, R-J-3, R-J-5, R-J-6).
// The job's durable state lives in PostgreSQL; this machine holds what the coordinator last learned
// of it and says what to do with the zones and the waiting workers. The commit of a result is its
// own machine (CommitSequence).
//
//   event                                   state after        action
//   landed (job created, pending)           pending            wakeLeaseWaiters
//   landed (job created as duplicate)       duplicate          moveRawToProcessed
//   landed (job exists, not ended)          (its state)        none
//   landed (job exists, ended)              (its state)        moveRawToProcessed | moveRawToQuarantine
//   leased                                  running            sendAssignment
//   result reported (success)               running            runCommitSequence
//   failure reported / attempt lost          running            recordFailure(kind, reason)
//   failure recorded → retrying(at)         retrying           wakeLeaseWaiters(at)
//   failure recorded → quarantined          quarantined        moveRawToQuarantine (with JSON record)
//   failure recorded → fenced               (unchanged)        none (a stale attempt changes nothing)
//   retried by an operator                  pending            wakeLeaseWaiters
import GreenStreamCore
import GreenStreamStore

/// What the coordinator does for one job when something happens to it.
public struct JobLifecycle: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case none
        /// Wake long polls now (`at == nil`) or when a retry backoff ends.
        case wakeLeaseWaiters(at: Double?)
        /// Hand the claimed attempt to the worker that polled.
        case sendAssignment(JobLease)
        /// Commit the reported result (CommitSequence).
        case runCommitSequence(JobLease)
        /// Record the attempt's failure in the job table.
        case recordFailure(JobLease, kind: JobFailureKind, reason: String)
        /// Move the raw file to `processed/<job_id>-<name>`.
        case moveRawToProcessed
        /// Move the raw file to `quarantine/<job_id>-<name>` and write the JSON record beside it.
        case moveRawToQuarantine(reason: String)
        /// Refuse the result: it is not from the current attempt (R-J-4).
        case refuseStale(JobLease)
    }

    /// The job's state as last learned; nil before the job exists.
    public private(set) var state: JobState?
    /// The current attempt as last learned.
    public private(set) var current: JobLease?

    public init(state: JobState? = nil, current: JobLease? = nil) {
        self.state = state
        self.current = current
    }

    /// From a job row.
    public init(job: Job) {
        self.init(state: job.state, current: job.attempt > 0 ? job.lease : nil)
    }

    /// A landed file was hashed and `jobCreate` answered.
    public mutating func landedReceived(job: Job, created: Bool) -> Action {
        state = job.state
        current = job.attempt > 0 ? job.lease : nil
        switch job.state {
        case .pending: return created ? .wakeLeaseWaiters(at: nil) : .none
        case .running, .retrying: return .none
        case .duplicate, .succeeded: return .moveRawToProcessed
        case .quarantined: return .moveRawToQuarantine(reason: job.lastError ?? "")
        }
    }

    /// `jobClaimNext` gave this job to a worker.
    public mutating func leasedReceived(_ lease: JobLease) -> Action {
        state = .running
        current = lease
        return .sendAssignment(lease)
    }

    /// A complete successful result arrived for `lease`.
    public mutating func resultReceived(_ lease: JobLease) -> Action {
        guard state == .running, current == lease else { return .refuseStale(lease) }
        return .runCommitSequence(lease)
    }

    /// A worker reported that `lease` failed.
    public mutating func failureReceived(_ lease: JobLease, kind: JobFailureKind, reason: String) -> Action {
        guard state == .running, current == lease else { return .refuseStale(lease) }
        return .recordFailure(lease, kind: kind, reason: reason)
    }

    /// The store recorded a failure (reported, a sink error, or the rescuer's `worker_lost`).
    public mutating func failureRecorded(_ outcome: JobFailureOutcome, reason: String) -> Action {
        switch outcome {
        case .retrying(let at):
            state = .retrying
            return .wakeLeaseWaiters(at: at)
        case .quarantined:
            state = .quarantined
            return .moveRawToQuarantine(reason: reason)
        case .fenced: return .none
        }
    }

    /// The commit sequence ended.
    public mutating func commitEnded(_ outcome: CommitSequence.Outcome) -> Action {
        switch outcome {
        case .committed: state = .succeeded
        case .duplicate: state = .duplicate
        case .fenced, .failed: break  // the store (or the recorded failure) decided; nothing more here
        }
        return .none
    }

    /// An operator sent the quarantined job through again (R-J-6).
    public mutating func retryReceived() -> Action {
        guard state == .quarantined else { return .none }
        state = .pending
        return .wakeLeaseWaiters(at: nil)
    }
}
