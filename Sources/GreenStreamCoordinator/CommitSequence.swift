// The commit sequence of one reported result (R-H-3, R-J-4, R-J-5, R-P-1), as a pure state machine.
// The executor (Coordinator+Results.swift) performs each Action and feeds back what happened.
//
//   stage ─ok─▶ commitHotStore ─committed─▶ publishArchive ▶ publishRejects ▶ moveRawToProcessed
//     │              │                      ▶ finalizeArchive ▶ done(committed)
//     │              ├─duplicate─▶ discardStaging ▶ moveRawToProcessed ▶ done(duplicate)
//     │              ├─fenced────▶ discardStaging ▶ done(fenced)
//     │              ├─failed────▶ discardStaging ▶ recordSinkFailure ▶ done(failed)
//     │              └─unknown───▶ resolveCommitOutcome ─committed─▶ (as committed)
//     │                                                 ─not committed─▶ (as failed)
//     └─failed─▶ discardStaging ▶ recordSinkFailure ▶ done(failed)
//
// Everything before the hot commit is undone on any failure; everything after it is finished, and a
// failed step after the commit is retried (the commit cannot be taken back). A crash at any point is
// handled at restart by RestartDecision: the staging (archive files and the rejects CSV) of a committed
// attempt is finished, of any other attempt undone.
import GreenStreamCore

/// The steps that commit one attempt's result to both sinks and the zones.
public struct CommitSequence: Sendable, Equatable {
    /// What the executor does next.
    public enum Action: Sendable, Equatable {
        /// Write the attempt's archive files to its staging directory and its rejects CSV to a staging path.
        case stage
        /// The hot-store transaction with fencing (HotStore.commit).
        case commitHotStore
        /// The hot commit's outcome is unknown (the connection died): read it back before anything else.
        case resolveCommitOutcome
        /// Rename the staged archive files into `archive/readings`.
        case publishArchive
        /// Rename the staged rejects CSV to `quarantine/rejects/<job_id>.csv` (nothing when there were no rejects).
        case publishRejects
        /// Move the raw file to `processed/<job_id>-<name>`.
        case moveRawToProcessed
        /// Drop the attempt's staging record (its MANIFEST); the published files stay.
        case finalizeArchive
        /// Undo the attempt's staging: staged and self-published archive files, the staged rejects CSV.
        case discardStaging
        /// Record the attempt as failed with a retryable sink error (R-J-3).
        case recordSinkFailure(reason: String)
        /// Nothing more to do.
        case done(Outcome)
    }

    /// How the sequence ended.
    public enum Outcome: Sendable, Equatable {
        /// Both sinks hold the result; the raw file is in `processed/`.
        case committed
        /// Same content as a succeeded job (R-J-2): nothing stored, raw file in `processed/`.
        case duplicate(of: Int64)
        /// A stale attempt (R-J-4): nothing changed.
        case fenced
        /// A sink failed before the commit: the attempt is recorded as failed and may be retried.
        case failed(reason: String)
    }

    /// What the hot store said about the commit.
    public enum HotOutcome: Sendable, Equatable {
        case committed
        case duplicate(of: Int64)
        case fenced
        /// The call failed before COMMIT (a sink error): nothing was committed.
        case failed(reason: String)
        /// The COMMIT's outcome could not be learned (its connection died, the server out of reach).
        case unknown(reason: String)
    }

    /// What reading the job back said about a commit whose outcome was unknown.
    public enum Resolution: Sendable, Equatable {
        case committed
        case duplicate(of: Int64)
        /// Not committed, and the attempt is still the job's current one: record the failure.
        case notCommitted
        /// Not committed, and the attempt is no longer current: nothing to record.
        case notCurrent
    }

    enum Phase: Sendable, Equatable {
        case initial, staging, committing, resolving
        /// After the commit: the remaining steps, performed in order; each is retried until it succeeds.
        case finishing(remaining: [Action])
        case ended(Outcome)
    }

    private(set) var phase: Phase = .initial

    public init() {}

    /// How it ended; nil while it runs.
    public var outcome: Outcome? {
        if case .ended(let outcome) = phase { return outcome }
        return nil
    }

    /// A complete result arrived: start with the staging.
    public mutating func resultReceived() -> Action {
        precondition(phase == .initial, "a commit sequence runs once")
        phase = .staging
        return .stage
    }

    /// The outcome to report if the executor stops before the end (a step keeps failing): the one the
    /// sequence is heading for; nil before the hot store has decided.
    public var outcomeIfAbandoned: Outcome? {
        guard case .finishing(let remaining) = phase, case .done(let outcome) = remaining.last else { return nil }
        return outcome
    }

    /// The staging finished.
    public mutating func stageSucceeded() -> Action {
        precondition(phase == .staging, "stage finished outside staging")
        phase = .committing
        return .commitHotStore
    }

    /// The staging failed (disk full, a malformed archive file): undo it, record a sink error.
    public mutating func stageFailed(reason: String) -> Action {
        precondition(phase == .staging, "stage failed outside staging")
        return failBeforeCommit(reason: "sink_error: " + reason)
    }

    /// The hot store answered (or threw).
    public mutating func commitReturned(_ outcome: HotOutcome) -> Action {
        precondition(phase == .committing, "commit returned outside committing")
        switch outcome {
        case .committed:
            return finish(.committed, steps: [.publishArchive, .publishRejects, .moveRawToProcessed, .finalizeArchive])
        case .duplicate(let original):
            return finish(.duplicate(of: original), steps: [.discardStaging, .moveRawToProcessed])
        case .fenced: return finish(.fenced, steps: [.discardStaging])
        case .failed(let reason): return failBeforeCommit(reason: "sink_error: " + reason)
        case .unknown:
            phase = .resolving
            return .resolveCommitOutcome
        }
    }

    /// Reading the job back told whether the unknown commit happened.
    public mutating func commitResolved(_ resolution: Resolution) -> Action {
        precondition(phase == .resolving, "resolution outside resolving")
        switch resolution {
        case .committed:
            return finish(.committed, steps: [.publishArchive, .publishRejects, .moveRawToProcessed, .finalizeArchive])
        case .duplicate(let original):
            return finish(.duplicate(of: original), steps: [.discardStaging, .moveRawToProcessed])
        case .notCommitted:
            return failBeforeCommit(reason: "sink_error: hot store commit failed")
        case .notCurrent: return finish(.fenced, steps: [.discardStaging])
        }
    }

    /// Reading the job back failed too: try again (nothing else may happen before it is known).
    public mutating func resolveFailed() -> Action {
        precondition(phase == .resolving, "resolution outside resolving")
        return .resolveCommitOutcome
    }

    /// The last finishing step (or the discard before recording a failure) succeeded.
    public mutating func stepSucceeded() -> Action {
        switch phase {
        case .finishing(var remaining):
            remaining.removeFirst()
            guard let next = remaining.first else { preconditionFailure("finishing without an end") }
            phase = .finishing(remaining: remaining)
            if case .done(let outcome) = next { phase = .ended(outcome) }
            return next
        default: preconditionFailure("step succeeded outside finishing: \(phase)")
        }
    }

    /// A finishing step failed: perform it again (after a pause the executor chooses).
    public mutating func stepFailed() -> Action {
        guard case .finishing(let remaining) = phase, let step = remaining.first else {
            preconditionFailure("step failed outside finishing: \(phase)")
        }
        return step
    }

    private mutating func finish(_ outcome: Outcome, steps: [Action]) -> Action {
        phase = .finishing(remaining: steps + [.done(outcome)])
        return steps[0]
    }

    private mutating func failBeforeCommit(reason: String) -> Action {
        finish(.failed(reason: reason), steps: [.discardStaging, .recordSinkFailure(reason: reason)])
    }
}
