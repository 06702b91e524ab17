// The worker's protocol as a pure state machine (docs/DECISIONS.md, "Worker"): every input is an
// `Event`, every decision an `Action` the executor (`Worker`) performs. It knows no socket, clock
// or thread, so its tests are event → action chains (Tests/GreenStreamWorkerTests/WorkerSessionTests).
import GreenStreamCore
import GreenStreamRPC

/// The worker's session with the coordinator (SPEC R-R-2, R-J-4):
/// registering → leasing / running jobs → draining → stopped.
///
/// - Registration: once at start, again after a lease or heartbeat error that may mean the
///   coordinator restarted, and after the connection came back.
/// - Leasing: one long poll at a time while a slot is free and the session is not draining.
/// - Jobs: each leased (job, attempt) is run by the executor and reported unless the
///   coordinator cancelled it (heartbeat reply) — a cancelled attempt's result is dropped.
/// - Draining (SIGTERM, or `drain` in a heartbeat reply): no new polls (the outstanding one is
///   let return, and a job it brings runs too); jobs finish and are reported; past the drain
///   deadline the ones still running are handed back with a retryable `worker_shutdown` failure.
///   Stopped once nothing is left in flight.
public struct WorkerSession: Sendable {
    /// Where the session stands with the coordinator.
    public enum Phase: Sendable, Equatable {
        /// Not registered; a `register_worker` call is due or running.
        case registering
        /// Registered: leasing and running jobs.
        case active
        /// Finishing in-flight jobs, no more leases.
        case draining
        /// Done: the executor closes the client and exits.
        case stopped
    }

    /// What happened to one in-flight attempt.
    public enum JobPhase: Sendable, Equatable {
        /// Being read, transformed or encoded (on its own thread).
        case running(JobStage)
        /// Its result is being sent.
        case reporting
        /// The coordinator cancelled it; its thread still runs, its result will be dropped.
        case cancelled
        /// Being handed back at shutdown: its thread still runs and the `worker_shutdown`
        /// failure is being sent.
        case handingBack
        /// Handed back (the failure was sent); its thread still runs, its result will be dropped.
        case handedBack
    }

    /// An input from the executor.
    public enum Event: Sendable {
        /// The executor started.
        case started
        case registered(RegisterWorkerReply)
        case registerFailed(CallFailure)
        case leaseReplied(LeaseJobReply)
        case leaseFailed(CallFailure)
        /// A job moved to another stage (for heartbeats).
        case stageChanged(JobLease, JobStage)
        /// A job's thread finished with this outcome.
        case jobFinished(JobLease, ReportResultRequest.Outcome)
        /// A result (all its parts) was sent, refused or given up on.
        case reportFinished(JobLease, ReportOutcome)
        /// The heartbeat interval passed.
        case heartbeatDue
        case heartbeatReplied(HeartbeatReply)
        case heartbeatFailed(CallFailure)
        /// A new connection came up after the previous one was lost.
        case connectionRestored
        /// SIGTERM or SIGINT.
        case shutdownRequested
        /// The drain bound passed with jobs still running.
        case drainDeadlinePassed
        /// The grace after the drain bound passed: stop whatever is still being sent.
        case finalDeadlinePassed
    }

    /// How a call failed, as far as the session cares.
    public enum CallFailure: Sendable, Equatable {
        /// The coordinator refused the cluster token: a configuration error, fatal.
        case unauthenticated(String)
        /// The coordinator answered with another error (e.g. an unknown worker after it restarted).
        case refused(String)
        /// No answer, or the connection was lost.
        case transient(String)
    }

    /// How sending a result ended.
    public enum ReportOutcome: Sendable, Equatable {
        /// The coordinator took it; the job's state after it.
        case accepted(JobState)
        /// Refused for good (stale attempt, invalid) or abandoned; the reason for the log.
        case dropped(String)
    }

    /// A decision for the executor.
    public enum Action: Sendable, Equatable {
        /// Call `register_worker` after the delay.
        case register(after: Duration)
        /// Log "worker ready" (first registration) or "worker registered again".
        case announceRegistered(RegisterWorkerReply, first: Bool)
        /// (Re)start the heartbeat timer with this interval.
        case startHeartbeats(every: Duration)
        /// Send one long poll after the delay.
        case lease(waitMs: UInt32, after: Duration)
        /// Run the job on its own thread.
        case runJob(JobAssignment)
        /// Send the result (in parts when large), retrying transient errors.
        case report(ReportResultRequest)
        /// Stop sending a result the coordinator no longer wants.
        case cancelReport(JobLease)
        /// A finished job's result is not reported; the reason for the log.
        case discardResult(JobLease, reason: String)
        /// Send this heartbeat.
        case sendHeartbeat(HeartbeatRequest)
        /// Arm the drain bound (then send ``Event/drainDeadlinePassed``).
        case armDrainDeadline(Duration)
        /// Arm the last bound on sending results (then send ``Event/finalDeadlinePassed``).
        case armFinalDeadline(Duration)
        /// Log the start of draining and why.
        case announceDraining(reason: String, jobs: [JobLease])
        /// Close the client after its last call and exit with this status.
        case finish(exitCode: Int32, reason: String)
    }

    /// Backoff between failed registrations and polls: `minimum` doubling to `maximum`.
    public struct Backoff: Sendable, Equatable {
        public var minimum: Duration
        public var maximum: Duration

        public init(minimum: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
            self.minimum = minimum
            self.maximum = maximum
        }

        /// The delay before retry number `failures` (1 = after the first failure).
        public func delay(afterFailures failures: Int) -> Duration {
            guard failures > 0 else { return .zero }
            var d = minimum
            for _ in 1..<min(failures, 32) where d < maximum { d = d * 2 }
            return min(d, maximum)
        }
    }

    public let workerID: String
    public let concurrency: Int
    /// Longest `wait_ms` asked for (capped by the coordinator's `max_lease_wait_ms`).
    public let leaseWaitMs: UInt32
    /// How long in-flight jobs may run after a shutdown request before they are handed back.
    public let drainTimeout: Duration
    /// How long results may still be sent after the drain bound before the worker exits anyway.
    public let finalGrace: Duration
    public let backoff: Backoff

    public private(set) var phase: Phase = .registering
    /// In-flight attempts.
    public private(set) var jobs: [JobLease: JobPhase] = [:]
    /// The latest registration reply.
    public private(set) var registration: RegisterWorkerReply?
    private var everRegistered = false
    private var registerInFlight = false
    private var pollInFlight = false
    private var heartbeatInFlight = false
    private var drainRequested = false
    private var drainExpired = false
    private var failures = 0

    /// - Parameters:
    ///   - workerID: sent in every call.
    ///   - concurrency: jobs run at once (≥ 1).
    ///   - leaseWaitMs: long-poll wait asked for.
    ///   - drainTimeout: bound on finishing jobs after a shutdown request.
    ///   - finalGrace: bound on sending results after `drainTimeout`.
    ///   - backoff: delays between failed calls.
    public init(
        workerID: String, concurrency: Int, leaseWaitMs: UInt32 = 5_000, drainTimeout: Duration = .seconds(30),
        finalGrace: Duration = .seconds(10), backoff: Backoff = Backoff()
    ) {
        precondition(concurrency >= 1, "WorkerSession: concurrency must be at least 1")
        self.workerID = workerID
        self.concurrency = concurrency
        self.leaseWaitMs = leaseWaitMs
        self.drainTimeout = drainTimeout
        self.finalGrace = finalGrace
        self.backoff = backoff
    }

    /// Jobs that hold a slot: every attempt whose thread has not finished or whose result is being sent.
    public var slotsInUse: Int { jobs.count }

    /// The attempts named in heartbeats: those still wanted by the coordinator, in job order.
    public var heartbeatJobs: [JobProgress] {
        jobs.compactMap { lease, phase -> JobProgress? in
            switch phase {
            case .running(let stage): JobProgress(job: lease, stage: stage)
            case .reporting: JobProgress(job: lease, stage: .reporting)
            case .cancelled, .handingBack, .handedBack: nil
            }
        }.sorted { ($0.job.jobID, $0.job.attempt) < ($1.job.jobID, $1.job.attempt) }
    }

    /// Feeds one event; returns what to do, in order.
    public mutating func handle(_ event: Event) -> [Action] {
        guard phase != .stopped else { return [] }
        switch event {
        case .started:
            registerInFlight = true
            return [.register(after: .zero)]
        case .registered(let reply):
            return registered(reply)
        case .registerFailed(let failure):
            registerInFlight = false
            if case .unauthenticated(let message) = failure { return stop(exitCode: 1, reason: message) }
            if phase == .draining { return finishIfIdle() }
            failures += 1
            registerInFlight = true
            return [.register(after: backoff.delay(afterFailures: failures))]
        case .leaseReplied(let reply):
            return leaseReplied(reply)
        case .leaseFailed(let failure):
            pollInFlight = false
            if case .unauthenticated(let message) = failure { return stop(exitCode: 1, reason: message) }
            guard phase == .active else { return finishIfIdle() }
            failures += 1
            return reregister()
        case .stageChanged(let lease, let stage):
            if case .running = jobs[lease] { jobs[lease] = .running(stage) }
            return []
        case .jobFinished(let lease, let outcome):
            return jobFinished(lease, outcome)
        case .reportFinished(let lease, _):
            switch jobs[lease] {
            case .reporting?:
                jobs[lease] = nil
            case .handingBack?:
                // Its thread still runs; it no longer holds the process (finishIfIdle).
                jobs[lease] = .handedBack
            default:
                return []
            }
            return afterSlotFreed()
        case .heartbeatDue:
            guard !heartbeatInFlight, registration != nil || !jobs.isEmpty else { return [] }
            heartbeatInFlight = true
            return [.sendHeartbeat(HeartbeatRequest(workerID: workerID, inFlight: heartbeatJobs))]
        case .heartbeatReplied(let reply):
            heartbeatInFlight = false
            return heartbeatReplied(reply)
        case .heartbeatFailed(let failure):
            heartbeatInFlight = false
            switch failure {
            case .unauthenticated(let message): return stop(exitCode: 1, reason: message)
            // The coordinator answered but did not take it: it may have forgotten this worker.
            case .refused: return phase == .active ? reregister() : []
            case .transient: return []
            }
        case .connectionRestored:
            guard phase == .active, registration != nil else { return [] }
            return reregister(immediately: true)
        case .shutdownRequested:
            return beginDraining(reason: "shutdown requested")
        case .drainDeadlinePassed:
            return drainDeadlinePassed()
        case .finalDeadlinePassed:
            guard phase == .draining else { return [] }
            return stop(exitCode: 0, reason: "gave up sending results \(finalGrace) after the drain bound")
        }
    }

    // MARK: - Transitions

    private mutating func registered(_ reply: RegisterWorkerReply) -> [Action] {
        registerInFlight = false
        failures = 0
        let first = !everRegistered
        let intervalChanged = registration?.heartbeatIntervalMs != reply.heartbeatIntervalMs
        registration = reply
        everRegistered = true
        var actions: [Action] = [.announceRegistered(reply, first: first)]
        if intervalChanged {
            actions.append(.startHeartbeats(every: .milliseconds(Int64(max(reply.heartbeatIntervalMs, 10)))))
        }
        if phase == .registering { phase = .active }
        if drainRequested { return actions + beginDraining(reason: "drain requested by the coordinator") }
        return actions + pollIfSlotFree()
    }

    private mutating func leaseReplied(_ reply: LeaseJobReply) -> [Action] {
        pollInFlight = false
        failures = 0
        guard let assignment = reply.assignment else {
            return phase == .draining ? finishIfIdle() : pollIfSlotFree(after: .milliseconds(Int64(reply.retryAfterMs)))
        }
        guard jobs[assignment.job] == nil else { return afterSlotFreed() }
        if phase == .draining && drainExpired {
            // Granted to a poll that was already abandoned: hand it straight back. It has no
            // thread, so it is only a report in flight.
            jobs[assignment.job] = .reporting
            return [.report(Self.shutdownFailure(workerID: workerID, lease: assignment.job, runningFor: nil))]
                + finishIfIdle()
        }
        // While draining, a job that answers the poll sent before the shutdown still runs, within
        // the drain bound: handing it back would cost it an attempt for nothing.
        jobs[assignment.job] = .running(.reading)
        return [.runJob(assignment)] + pollIfSlotFree()
    }

    private mutating func jobFinished(_ lease: JobLease, _ outcome: ReportResultRequest.Outcome) -> [Action] {
        switch jobs[lease] {
        case .running?:
            jobs[lease] = .reporting
            return [.report(ReportResultRequest(workerID: workerID, job: lease, outcome: outcome))]
        case .cancelled?:
            jobs[lease] = nil
            return [.discardResult(lease, reason: "cancelled by the coordinator")] + afterSlotFreed()
        case .handingBack?:
            // The worker_shutdown failure is still being sent: the job now waits only for that.
            jobs[lease] = .reporting
            return [.discardResult(lease, reason: "handed back at shutdown")]
        case .handedBack?:
            jobs[lease] = nil
            return [.discardResult(lease, reason: "handed back at shutdown")] + afterSlotFreed()
        case .reporting?, nil:
            return []
        }
    }

    private mutating func heartbeatReplied(_ reply: HeartbeatReply) -> [Action] {
        var actions: [Action] = []
        for lease in reply.cancel {
            switch jobs[lease] {
            case .running?:
                jobs[lease] = .cancelled
            case .reporting?:
                jobs[lease] = nil
                actions.append(.cancelReport(lease))
                actions.append(.discardResult(lease, reason: "cancelled by the coordinator"))
                actions += afterSlotFreed()
            case .cancelled?, .handingBack?, .handedBack?, nil:
                break
            }
        }
        if reply.drain && phase != .draining {
            drainRequested = true
            if phase == .active { actions += beginDraining(reason: "drain requested by the coordinator") }
        }
        return actions
    }

    private mutating func beginDraining(reason: String) -> [Action] {
        switch phase {
        case .stopped, .draining:
            return []
        case .registering, .active:
            phase = .draining
            // The outstanding poll is never abandoned: it returns within the lease wait (5 s), and a
            // job it brings runs too. Abandoning it would leave the coordinator holding a poll
            // nobody reads (a job it claimed would wait for the heartbeat timeout), and closing
            // the socket while its reply may still arrive can hang NNG 1.5.2's close.
            let actions: [Action] = [.announceDraining(reason: reason, jobs: heartbeatJobs.map(\.job))]
            let finished = finishIfIdle()
            return actions + (finished.isEmpty ? [.armDrainDeadline(drainTimeout)] : finished)
        }
    }

    private mutating func drainDeadlinePassed() -> [Action] {
        guard phase == .draining else { return [] }
        drainExpired = true
        var actions: [Action] = []
        for (lease, jobPhase) in jobs.sorted(by: { $0.key.jobID < $1.key.jobID }) {
            guard case .running = jobPhase else { continue }
            jobs[lease] = .handingBack
            actions.append(.report(Self.shutdownFailure(workerID: workerID, lease: lease, runningFor: drainTimeout)))
        }
        let finished = finishIfIdle()
        return actions + (finished.isEmpty ? [.armFinalDeadline(finalGrace)] : finished)
    }

    private mutating func reregister(immediately: Bool = false) -> [Action] {
        guard !registerInFlight else { return [] }
        registerInFlight = true
        return [.register(after: immediately ? .zero : backoff.delay(afterFailures: max(failures, 1)))]
    }

    private mutating func afterSlotFreed() -> [Action] {
        phase == .draining ? finishIfIdle() : pollIfSlotFree()
    }

    private mutating func pollIfSlotFree(after delay: Duration = .zero) -> [Action] {
        guard phase == .active, !pollInFlight, !registerInFlight, slotsInUse < concurrency, let registration else {
            return []
        }
        pollInFlight = true
        let wait = registration.maxLeaseWaitMs == 0 ? leaseWaitMs : min(leaseWaitMs, registration.maxLeaseWaitMs)
        return [.lease(waitMs: wait, after: delay)]
    }

    /// Stops once no job holds a slot or is being reported and the last poll has returned.
    /// Handed-back jobs whose thread still runs do not hold the process: their failure has been
    /// reported.
    private mutating func finishIfIdle() -> [Action] {
        guard phase == .draining, !pollInFlight else { return [] }
        let busy = jobs.values.contains { $0 != .handedBack && $0 != .cancelled }
        guard !busy else { return [] }
        phase = .stopped
        return [.finish(exitCode: 0, reason: "drained")]
    }

    private mutating func stop(exitCode: Int32, reason: String) -> [Action] {
        phase = .stopped
        let reports = jobs.filter { $0.value == .reporting }.keys.sorted { $0.jobID < $1.jobID }
        jobs = [:]
        return reports.map { .cancelReport($0) } + [.finish(exitCode: exitCode, reason: reason)]
    }

    /// The failure reported for a job handed back at shutdown: retryable, so another worker runs it.
    static func shutdownFailure(workerID: String, lease: JobLease, runningFor: Duration?) -> ReportResultRequest {
        let message =
            runningFor.map { "the worker is shutting down and the job did not finish within \($0)" }
            ?? "the worker is shutting down"
        return ReportResultRequest(
            workerID: workerID, job: lease,
            outcome: .failure(JobFailure(kind: .retryable, reason: "worker_shutdown", message: message)))
    }
}
