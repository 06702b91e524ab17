import Foundation
import GreenStreamCoordinator
import GreenStreamCore
import Testing

@testable import GreenStreamStore

/// The per-job events and the restart decisions (R-J-2, R-J-3, R-J-4, R-J-5, R-J-6, R-J-7).
struct JobLifecycleTests {
    static func job(_ state: JobState, attempt: Int32 = 0, error: String? = nil) -> Job {
        Job(
            id: 5, state: state, fileName: "a.csv", sha256: Array(repeating: 1, count: 32), sizeBytes: 10,
            attempt: attempt,
            maxAttempts: 4, workerID: nil, leaseExpiresAt: nil, nextAttemptAt: Date(), lastError: error,
            duplicateOf: nil,
            rejectCounts: [:], storedRows: nil, interpolatedRows: nil, rejectedRows: nil, createdAt: Date(),
            updatedAt: Date(), finishedAt: nil)
    }

    @Test("R-J-1 a new landing wakes the long polls; a known one changes nothing")
    func landedWakesOnlyWhenCreated() {
        var l = JobLifecycle()
        #expect(l.landedReceived(job: Self.job(.pending), created: true) == .wakeLeaseWaiters(at: nil))
        var again = JobLifecycle()
        #expect(again.landedReceived(job: Self.job(.pending), created: false) == .none)
        #expect(again.landedReceived(job: Self.job(.running, attempt: 1), created: false) == .none)
    }

    @Test("R-J-2 a duplicate landing goes to processed; an ended job's file is moved where it belongs")
    func landedEndedJobsMoveTheirFile() {
        var l = JobLifecycle()
        #expect(l.landedReceived(job: Self.job(.duplicate), created: true) == .moveRawToProcessed)
        #expect(l.landedReceived(job: Self.job(.succeeded, attempt: 1), created: false) == .moveRawToProcessed)
        #expect(
            l.landedReceived(job: Self.job(.quarantined, attempt: 1, error: "no_header"), created: false)
                == .moveRawToQuarantine(reason: "no_header"))
    }

    @Test("R-J-4 a result or failure of a stale attempt is refused")
    func staleAttemptRefused() {
        var l = JobLifecycle()
        let first = JobLease(jobID: 5, attempt: 1)
        let second = JobLease(jobID: 5, attempt: 2)
        #expect(l.leasedReceived(second) == .sendAssignment(second))
        #expect(l.resultReceived(first) == .refuseStale(first))
        #expect(l.failureReceived(first, kind: .retryable, reason: "x") == .refuseStale(first))
        #expect(l.resultReceived(second) == .runCommitSequence(second))
        #expect(
            l.failureReceived(second, kind: .permanent, reason: "no_header")
                == .recordFailure(second, kind: .permanent, reason: "no_header"))
    }

    @Test("R-J-3/R-J-5 a recorded failure waits for its backoff or quarantines the file with its record")
    func failureRecordedRetriesOrQuarantines() {
        var l = JobLifecycle(state: .running, current: JobLease(jobID: 5, attempt: 1))
        #expect(l.failureRecorded(.retrying(nextAttemptAt: 42), reason: "worker_lost") == .wakeLeaseWaiters(at: 42))
        #expect(l.state == .retrying)
        #expect(l.leasedReceived(JobLease(jobID: 5, attempt: 2)) == .sendAssignment(JobLease(jobID: 5, attempt: 2)))
        #expect(l.failureRecorded(.quarantined, reason: "worker_lost") == .moveRawToQuarantine(reason: "worker_lost"))
        #expect(l.state == .quarantined)
        #expect(l.failureRecorded(.fenced, reason: "x") == .none)
    }

    @Test("R-J-6 a retried quarantined job is pending again and wakes the polls")
    func retryWakes() {
        var l = JobLifecycle(state: .quarantined)
        #expect(l.retryReceived() == .wakeLeaseWaiters(at: nil))
        #expect(l.state == .pending)
        #expect(l.retryReceived() == .none)
    }

    @Test("R-J-7 staged attempts: the succeeded attempt is finished, every other undone")
    func restartStagedDecisions() {
        let lease = JobLease(jobID: 5, attempt: 2)
        #expect(RestartDecision.staged(lease, job: Self.job(.succeeded, attempt: 2)) == .finish)
        #expect(RestartDecision.staged(lease, job: Self.job(.succeeded, attempt: 3)) == .undo)
        #expect(RestartDecision.staged(lease, job: Self.job(.running, attempt: 2)) == .undo)
        #expect(RestartDecision.staged(lease, job: Self.job(.duplicate, attempt: 2)) == .undo)
        #expect(RestartDecision.staged(lease, job: nil) == .undo)
    }

    @Test("R-J-7 raw files: kept while the job runs, moved once it ended", arguments: JobState.allCases)
    func restartRawFileDecisions(state: JobState) {
        let expected: RestartDecision.RawFile =
            switch state {
            case .pending, .running, .retrying: .keep
            case .succeeded, .duplicate: .moveToProcessed
            case .quarantined: .moveToQuarantine
            }
        #expect(RestartDecision.rawFile(jobState: state) == expected)
    }
}
