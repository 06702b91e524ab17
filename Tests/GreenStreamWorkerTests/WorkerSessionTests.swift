import GreenStreamCore
import GreenStreamRPC
import Testing

@testable import GreenStreamWorker

/// The session as event → action chains: no sockets, no clock, no threads.
@Suite struct WorkerSessionTests {
    typealias Action = WorkerSession.Action
    static let reg = RegisterWorkerReply(heartbeatIntervalMs: 500, maxLeaseWaitMs: 10_000, maxRequestBytes: 64 << 20)
    static let job1 = JobLease(jobID: 1, attempt: 1)
    static let job2 = JobLease(jobID: 2, attempt: 3)

    static func assignment(_ lease: JobLease) -> JobAssignment {
        JobAssignment(
            job: lease, fileName: "f\(lease.jobID).csv", fileSHA256: String(repeating: "a", count: 64), fileSize: 1,
            content: [0x41], leaseTimeoutMs: 5000)
    }

    static let success = ReportResultRequest.Outcome.success(
        JobSuccess(
            counts: RowCounts(rowsRead: 0, measuredRows: 0, interpolatedRows: 0, rejectedRows: 0, synthesisedSlots: 0),
            rejectCounts: [:], rejects: [], readings: ReadingBatch(), archiveFiles: []))

    /// A session that registered and holds one outstanding poll.
    static func registered(concurrency: Int = 1) -> WorkerSession {
        var s = WorkerSession(workerID: "w", concurrency: concurrency, leaseWaitMs: 20_000, drainTimeout: .seconds(7))
        _ = s.handle(.started)
        _ = s.handle(.registered(reg))
        return s
    }

    @Test func registersThenAnnouncesReadyStartsHeartbeatsAndPollsWithTheCoordinatorsWaitCap() {
        var s = WorkerSession(workerID: "w", concurrency: 1, leaseWaitMs: 20_000)
        #expect(s.handle(.started) == [.register(after: .zero)])
        #expect(
            s.handle(.registered(Self.reg)) == [
                .announceRegistered(Self.reg, first: true), .startHeartbeats(every: .milliseconds(500)),
                .lease(waitMs: 10_000, after: .zero),
            ])
        #expect(s.phase == .active)
    }

    @Test func failedRegistrationsBackOffExponentiallyUpToTheCap() {
        var s = WorkerSession(
            workerID: "w", concurrency: 1, backoff: .init(minimum: .milliseconds(100), maximum: .milliseconds(500)))
        _ = s.handle(.started)
        let delays = (0..<5).map { _ in s.handle(.registerFailed(.transient("no answer"))) }
        #expect(
            delays == [
                [.register(after: .milliseconds(100))], [.register(after: .milliseconds(200))],
                [.register(after: .milliseconds(400))], [.register(after: .milliseconds(500))],
                [.register(after: .milliseconds(500))],
            ])
        #expect(s.handle(.registered(Self.reg)).contains(.announceRegistered(Self.reg, first: true)))
    }

    @Test("R-R-3 a refused token stops the worker with exit status 1")
    func refusedTokenStops() {
        var s = WorkerSession(workerID: "w", concurrency: 1)
        _ = s.handle(.started)
        #expect(s.handle(.registerFailed(.unauthenticated("refused"))) == [.finish(exitCode: 1, reason: "refused")])
        #expect(s.phase == .stopped)
        #expect(s.handle(.started) == [])
    }

    @Test("R-R-2 a leased job runs; its result is reported; the freed slot polls again")
    func leaseRunReportPoll() {
        var s = Self.registered()
        #expect(
            s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1)))) == [
                .runJob(Self.assignment(Self.job1))
            ])
        #expect(s.heartbeatJobs == [JobProgress(job: Self.job1, stage: .reading)])
        _ = s.handle(.stageChanged(Self.job1, .encoding))
        #expect(s.heartbeatJobs == [JobProgress(job: Self.job1, stage: .encoding)])
        #expect(
            s.handle(.jobFinished(Self.job1, Self.success)) == [
                .report(ReportResultRequest(workerID: "w", job: Self.job1, outcome: Self.success))
            ])
        #expect(s.heartbeatJobs == [JobProgress(job: Self.job1, stage: .reporting)])
        #expect(s.handle(.reportFinished(Self.job1, .accepted(.succeeded))) == [.lease(waitMs: 10_000, after: .zero)])
        #expect(s.slotsInUse == 0)
    }

    @Test func anEmptyPollPollsAgainAfterTheCoordinatorsRetryAfter() {
        var s = Self.registered()
        #expect(
            s.handle(.leaseReplied(LeaseJobReply(assignment: nil, retryAfterMs: 250))) == [
                .lease(waitMs: 10_000, after: .milliseconds(250))
            ])
    }

    @Test func concurrencyTwoKeepsPollingUntilBothSlotsAreTaken() {
        var s = Self.registered(concurrency: 2)
        #expect(
            s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1)))) == [
                .runJob(Self.assignment(Self.job1)), .lease(waitMs: 10_000, after: .zero),
            ])
        #expect(
            s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job2)))) == [
                .runJob(Self.assignment(Self.job2))
            ])
        #expect(s.heartbeatJobs.map(\.job) == [Self.job1, Self.job2])
        _ = s.handle(.jobFinished(Self.job2, Self.success))
        #expect(s.handle(.reportFinished(Self.job2, .dropped("stale"))) == [.lease(waitMs: 10_000, after: .zero)])
    }

    @Test("R-J-4 heartbeats name every in-flight attempt; one at a time")
    func heartbeatsNameAttempts() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job2))))
        #expect(
            s.handle(.heartbeatDue) == [
                .sendHeartbeat(
                    HeartbeatRequest(workerID: "w", inFlight: [JobProgress(job: Self.job2, stage: .reading)]))
            ])
        #expect(s.handle(.heartbeatDue) == [], "no second heartbeat while one is unanswered")
        #expect(s.handle(.heartbeatFailed(.transient("no answer"))) == [])
        #expect(s.handle(.heartbeatDue).count == 1)
    }

    @Test func aHeartbeatTheCoordinatorRefusesMakesTheWorkerRegisterAgain() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.heartbeatDue)
        #expect(
            s.handle(.heartbeatFailed(.refused("not_found: unknown worker"))) == [.register(after: .milliseconds(100))])
        _ = s.handle(.heartbeatDue)
        #expect(s.handle(.heartbeatFailed(.refused("not_found: unknown worker"))) == [], "one registration at a time")
    }

    @Test("R-J-4 a cancel in a heartbeat reply drops the running attempt's result")
    func cancelWhileRunningDropsResult() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.heartbeatDue)
        #expect(s.handle(.heartbeatReplied(HeartbeatReply(cancel: [Self.job1]))) == [])
        #expect(s.heartbeatJobs.isEmpty, "a cancelled attempt is no longer named")
        #expect(s.slotsInUse == 1, "its thread still holds the slot")
        #expect(
            s.handle(.jobFinished(Self.job1, Self.success)) == [
                .discardResult(Self.job1, reason: "cancelled by the coordinator"), .lease(waitMs: 10_000, after: .zero),
            ])
    }

    @Test func aCancelWhileReportingStopsTheReport() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.jobFinished(Self.job1, Self.success))
        _ = s.handle(.heartbeatDue)
        #expect(
            s.handle(.heartbeatReplied(HeartbeatReply(cancel: [Self.job1]))) == [
                .cancelReport(Self.job1), .discardResult(Self.job1, reason: "cancelled by the coordinator"),
                .lease(waitMs: 10_000, after: .zero),
            ])
        #expect(s.handle(.reportFinished(Self.job1, .dropped("cancelled"))) == [])
    }

    @Test func aLeaseErrorRegistersAgainThenPollsAgain() {
        var s = Self.registered()
        #expect(s.handle(.leaseFailed(.transient("connection reset"))) == [.register(after: .milliseconds(100))])
        #expect(
            s.handle(.registered(Self.reg)) == [
                .announceRegistered(Self.reg, first: false), .lease(waitMs: 10_000, after: .zero),
            ])
    }

    @Test func aRestoredConnectionRegistersAgainWithoutDisturbingTheRunningJob() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        #expect(s.handle(.connectionRestored) == [.register(after: .zero)])
        #expect(s.handle(.registered(Self.reg)) == [.announceRegistered(Self.reg, first: false)])
        #expect(s.heartbeatJobs.map(\.job) == [Self.job1])
    }

    @Test("Shutdown while idle lets the outstanding poll return (never abandoned: NNG close), then finishes")
    func shutdownWhileIdleWaitsForThePoll() {
        var s = Self.registered()
        #expect(
            s.handle(.shutdownRequested) == [
                .announceDraining(reason: "shutdown requested", jobs: []), .armDrainDeadline(.seconds(7)),
            ])
        #expect(s.phase == .draining)
        #expect(s.handle(.leaseReplied(LeaseJobReply(assignment: nil))) == [.finish(exitCode: 0, reason: "drained")])
        #expect(s.phase == .stopped)
    }

    @Test func shutdownBeforeTheFirstRegistrationFinishesAtOnce() {
        var s = WorkerSession(workerID: "w", concurrency: 1)
        _ = s.handle(.started)
        #expect(
            s.handle(.shutdownRequested) == [
                .announceDraining(reason: "shutdown requested", jobs: []), .finish(exitCode: 0, reason: "drained"),
            ])
    }

    @Test func shutdownLetsTheRunningJobFinishAndReportThenExits() {
        var s = Self.registered(concurrency: 2)
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        #expect(
            s.handle(.shutdownRequested) == [
                .announceDraining(reason: "shutdown requested", jobs: [Self.job1]), .armDrainDeadline(.seconds(7)),
            ])
        #expect(s.handle(.leaseReplied(LeaseJobReply(assignment: nil))) == [], "no new poll while draining")
        #expect(s.handle(.jobFinished(Self.job1, Self.success)).count == 1)
        #expect(
            s.handle(.reportFinished(Self.job1, .accepted(.succeeded))) == [.finish(exitCode: 0, reason: "drained")])
    }

    @Test("R-J-3 past the drain bound a running job is handed back as retryable worker_shutdown")
    func drainBoundHandsBack() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.shutdownRequested)
        let failure = ReportResultRequest(
            workerID: "w", job: Self.job1,
            outcome: .failure(
                JobFailure(
                    kind: .retryable, reason: "worker_shutdown",
                    message: "the worker is shutting down and the job did not finish within 7.0 seconds")))
        #expect(s.handle(.drainDeadlinePassed) == [.report(failure), .armFinalDeadline(.seconds(10))])
        #expect(s.heartbeatJobs.isEmpty)
        #expect(s.handle(.reportFinished(Self.job1, .accepted(.retrying))) == [.finish(exitCode: 0, reason: "drained")])
    }

    @Test func aResultStillUnsentAfterTheFinalGraceIsAbandoned() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.shutdownRequested)
        _ = s.handle(.drainDeadlinePassed)
        #expect(
            s.handle(.jobFinished(Self.job1, Self.success)) == [
                .discardResult(Self.job1, reason: "handed back at shutdown")
            ])
        #expect(
            s.handle(.finalDeadlinePassed).last
                == .finish(exitCode: 0, reason: "gave up sending results 10.0 seconds after the drain bound"))
    }

    @Test func aJobAnsweringThePollSentBeforeTheShutdownRunsWithinTheDrainBound() {
        var s = Self.registered(concurrency: 2)
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.shutdownRequested)
        #expect(
            s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job2)))) == [
                .runJob(Self.assignment(Self.job2))
            ])
        _ = s.handle(.jobFinished(Self.job1, Self.success))
        #expect(s.handle(.reportFinished(Self.job1, .accepted(.succeeded))) == [])
        _ = s.handle(.jobFinished(Self.job2, Self.success))
        #expect(
            s.handle(.reportFinished(Self.job2, .accepted(.succeeded))) == [.finish(exitCode: 0, reason: "drained")])
    }

    @Test func aJobArrivingPastTheDrainBoundIsHandedStraightBack() {
        var s = Self.registered(concurrency: 2)
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.shutdownRequested)
        #expect(s.handle(.drainDeadlinePassed).count == 2, "job 1 handed back, final grace armed")
        #expect(
            s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job2)))) == [
                .report(WorkerSession.shutdownFailure(workerID: "w", lease: Self.job2, runningFor: nil))
            ])
        #expect(s.handle(.reportFinished(Self.job2, .accepted(.retrying))) == [])
        #expect(s.handle(.reportFinished(Self.job1, .accepted(.retrying))) == [.finish(exitCode: 0, reason: "drained")])
    }

    @Test func theLastJobEndingStillWaitsForTheOutstandingPoll() {
        var s = Self.registered(concurrency: 2)
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.shutdownRequested)
        _ = s.handle(.jobFinished(Self.job1, Self.success))
        #expect(s.handle(.reportFinished(Self.job1, .accepted(.succeeded))) == [])
        #expect(s.handle(.leaseFailed(.transient("no answer"))) == [.finish(exitCode: 0, reason: "drained")])
    }

    @Test func drainInAHeartbeatReplyDrainsLikeASignal() {
        var s = Self.registered()
        _ = s.handle(.leaseReplied(LeaseJobReply(assignment: Self.assignment(Self.job1))))
        _ = s.handle(.heartbeatDue)
        #expect(
            s.handle(.heartbeatReplied(HeartbeatReply(drain: true))) == [
                .announceDraining(reason: "drain requested by the coordinator", jobs: [Self.job1]),
                .armDrainDeadline(.seconds(7)),
            ])
        #expect(s.phase == .draining)
    }
}
