import GreenStreamCoordinator
import Testing

/// The commit sequence of one result as event → action chains (R-H-3, R-J-4, R-J-5, R-P-1).
struct CommitSequenceTests {
    @Test("R-H-3 committed: stage, commit, publish archive, rejects, raw file, finalize")
    func committedRunsEveryStepInOrder() {
        var s = CommitSequence()
        #expect(s.resultReceived() == .stage)
        #expect(s.stageSucceeded() == .commitHotStore)
        #expect(s.commitReturned(.committed) == .publishArchive)
        #expect(s.stepSucceeded() == .publishRejects)
        #expect(s.stepSucceeded() == .moveRawToProcessed)
        #expect(s.stepSucceeded() == .finalizeArchive)
        #expect(s.outcome == nil)
        #expect(s.stepSucceeded() == .done(.committed))
        #expect(s.outcome == .committed)
    }

    @Test("R-J-4 fenced: only the attempt's own staging is discarded")
    func fencedDiscardsStagingOnly() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        #expect(s.commitReturned(.fenced) == .discardStaging)
        #expect(s.stepSucceeded() == .done(.fenced))
    }

    @Test("R-J-2 duplicate: staging discarded, raw file to processed")
    func duplicateDiscardsAndMovesRaw() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        #expect(s.commitReturned(.duplicate(of: 7)) == .discardStaging)
        #expect(s.stepSucceeded() == .moveRawToProcessed)
        #expect(s.stepSucceeded() == .done(.duplicate(of: 7)))
    }

    @Test("A failed staging is undone and recorded as a retryable sink error before any commit")
    func stagingFailureNeverCommits() {
        var s = CommitSequence()
        _ = s.resultReceived()
        #expect(s.stageFailed(reason: "disk full") == .discardStaging)
        #expect(s.stepSucceeded() == .recordSinkFailure(reason: "sink_error: disk full"))
        #expect(s.stepSucceeded() == .done(.failed(reason: "sink_error: disk full")))
    }

    @Test("R-J-3 a hot store error before COMMIT is a sink error: undo, record the failure")
    func commitErrorIsASinkError() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        #expect(s.commitReturned(.failed(reason: "connection refused")) == .discardStaging)
        #expect(s.stepSucceeded() == .recordSinkFailure(reason: "sink_error: connection refused"))
        #expect(s.stepSucceeded() == .done(.failed(reason: "sink_error: connection refused")))
    }

    @Test("An unknown commit outcome is resolved before anything else, again while resolving fails")
    func unknownOutcomeResolvesFirst() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        #expect(s.commitReturned(.unknown(reason: "connection lost")) == .resolveCommitOutcome)
        #expect(s.resolveFailed() == .resolveCommitOutcome)
        #expect(s.commitResolved(.committed) == .publishArchive)
        #expect(s.stepSucceeded() == .publishRejects)
    }

    @Test("An unknown outcome that did not commit: undo the staging, record the failure")
    func unknownNotCommittedIsUndone() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        _ = s.commitReturned(.unknown(reason: "x"))
        #expect(s.commitResolved(.notCommitted) == .discardStaging)
        #expect(s.stepSucceeded() == .recordSinkFailure(reason: "sink_error: hot store commit failed"))
        #expect(s.stepSucceeded() == .done(.failed(reason: "sink_error: hot store commit failed")))
    }

    @Test("An unknown outcome whose attempt is no longer current counts as fenced")
    func unknownNotCurrentIsFenced() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        _ = s.commitReturned(.unknown(reason: "x"))
        #expect(s.commitResolved(.notCurrent) == .discardStaging)
        #expect(s.stepSucceeded() == .done(.fenced))
    }

    @Test("A step after the commit that fails is performed again, never skipped")
    func failedStepAfterCommitRepeats() {
        var s = CommitSequence()
        _ = s.resultReceived()
        _ = s.stageSucceeded()
        _ = s.commitReturned(.committed)
        #expect(s.stepFailed() == .publishArchive)
        #expect(s.stepFailed() == .publishArchive)
        #expect(s.stepSucceeded() == .publishRejects)
        #expect(s.stepSucceeded() == .moveRawToProcessed)
        #expect(s.stepFailed() == .moveRawToProcessed)
        #expect(s.stepSucceeded() == .finalizeArchive)
    }

    @Test("Abandoning is possible only once the hot store has decided, with the outcome it decided")
    func abandonOnlyAfterTheDecision() {
        var s = CommitSequence()
        _ = s.resultReceived()
        #expect(s.outcomeIfAbandoned == nil)
        _ = s.stageSucceeded()
        #expect(s.outcomeIfAbandoned == nil)
        _ = s.commitReturned(.unknown(reason: "x"))
        #expect(s.outcomeIfAbandoned == nil)
        _ = s.commitResolved(.committed)
        #expect(s.outcomeIfAbandoned == .committed)
    }
}
