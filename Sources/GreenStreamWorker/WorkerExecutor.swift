import Foundation
import GreenStreamCore
import GreenStreamRPC
import Logging
import NNG

/// Performs ``WorkerSession`` actions: starts the tasks that make calls, run jobs and keep
/// timers, each of which posts its outcome back as an event. Used only from ``Worker/run()``'s
/// loop (one task), so its task table needs no lock.
final class WorkerExecutor {
    private let client: RPCClient
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let post: AsyncStream<WorkerSession.Event>.Continuation

    private var register: Task<Void, Never>?
    private var lease: Task<Void, Never>?
    private var heartbeatTimer: Task<Void, Never>?
    private var heartbeat: Task<Void, Never>?
    private var heartbeatInterval: Duration = .seconds(1)
    private var reports: [JobLease: Task<Void, Never>] = [:]
    private var timers: [Task<Void, Never>] = []
    private var connectionWatch: Task<Void, Never>?
    private var maxPartBytes: Int
    private let metrics = WorkerMetrics()

    init(
        client: RPCClient, configuration: WorkerConfiguration, logger: Logger,
        post: AsyncStream<WorkerSession.Event>.Continuation
    ) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.post = post
        maxPartBytes = client.maxRequestBytes
    }

    /// Posts ``WorkerSession/Event/connectionRestored`` when a connection comes up after one was
    /// lost: a coordinator that restarted has forgotten this worker, so it registers again.
    func watchConnection() {
        let events = client.pipeEvents
        let post = post
        connectionWatch = Task {
            var lost = false
            for await event in events {
                switch event.kind {
                case .removed: lost = true
                case .added:
                    if lost { post.yield(.connectionRestored) }
                    lost = false
                }
            }
        }
    }

    // MARK: - Actions

    func perform(_ action: WorkerSession.Action, session: WorkerSession) {
        switch action {
        case .register(let delay):
            startRegister(after: delay)
        case .announceRegistered(let reply, let first):
            if reply.maxRequestBytes > 0 {
                maxPartBytes = max(64 << 10, min(client.maxRequestBytes, Int(clamping: reply.maxRequestBytes)))
            }
            logger.info(
                first ? "worker ready" : "worker registered again",
                metadata: [
                    "coordinator": "\(configuration.coordinator)", "concurrency": "\(configuration.concurrency)",
                    "heartbeat_interval_ms": "\(reply.heartbeatIntervalMs)",
                    "max_lease_wait_ms": "\(reply.maxLeaseWaitMs)",
                ])
        case .startHeartbeats(let interval):
            heartbeatInterval = interval
            heartbeatTimer?.cancel()
            let post = post
            heartbeatTimer = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { return }
                    post.yield(.heartbeatDue)
                }
            }
        case .lease(let waitMs, let delay):
            startLease(waitMs: waitMs, after: delay)
        case .runJob(let assignment):
            startJob(assignment)
        case .report(let request):
            startReport(request)
        case .cancelReport(let lease):
            reports.removeValue(forKey: lease)?.cancel()
        case .discardResult(let lease, let reason):
            logger.info("result dropped", metadata: WorkerExecutor.metadata(lease, ["reason": "\(reason)"]))
        case .sendHeartbeat(let request):
            startHeartbeat(request)
        case .armDrainDeadline(let bound):
            arm(after: bound, .drainDeadlinePassed)
        case .armFinalDeadline(let bound):
            arm(after: bound, .finalDeadlinePassed)
        case .announceDraining(let reason, let jobs):
            logger.info(
                "worker draining",
                metadata: [
                    "reason": "\(reason)", "jobs_in_flight": "\(jobs.count)",
                    "drain_timeout": "\(configuration.drainTimeout)",
                ])
        case .finish:
            break  // handled by the run loop
        }
    }

    /// Ends every task that makes a call or keeps a timer, waits for the calls to return, then
    /// closes the client — bounded, because NNG 1.5.2's close can hang while a reply to an
    /// abandoned poll is still arriving (docs/DECISIONS.md): past the bound the process exits
    /// with the socket open. Job threads cannot be stopped; their results are simply not awaited.
    func stop() async {
        connectionWatch?.cancel()
        heartbeatTimer?.cancel()
        for timer in timers { timer.cancel() }
        // A cancelled call's reply may still arrive while the socket closes, which can hang NNG
        // 1.5.2's close for the whole process: let the last heartbeat, registration or poll
        // return by itself (each is bounded by its deadline) before cancelling what remains.
        // Results still being sent here are the ones given up on: cancel them at once.
        for report in reports.values { report.cancel() }
        let calls = [register, lease, heartbeat].compactMap { $0 } + Array(reports.values)
        if !(await OffPoolThread.wait(for: calls, within: .seconds(6))) {
            for call in calls { call.cancel() }
            for call in calls { await call.value }
        }
        let closed = await OffPoolThread.close(client, within: .seconds(2))
        if !closed { logger.warning("closing the connection did not finish within 2 s; exiting with it open") }
    }

    // MARK: - Calls

    private func startRegister(after delay: Duration) {
        let request = RegisterWorkerRequest(
            workerID: configuration.workerID, hostname: WorkerConfiguration.hostName(),
            softwareVersion: configuration.softwareVersion, maxConcurrentJobs: UInt32(configuration.concurrency))
        let client = client
        let post = post
        let logger = logger
        let coordinator = configuration.coordinator
        register = Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            guard !Task.isCancelled else { return }
            do {
                post.yield(.registered(try await client.registerWorker(request)))
            } catch {
                if Task.isCancelled { return }
                let failure = WorkerExecutor.classify(error)
                logger.warning(
                    "registration failed",
                    metadata: ["error": "\(WorkerExecutor.describe(error))", "coordinator": "\(coordinator)"])
                post.yield(.registerFailed(failure))
            }
        }
    }

    private func startLease(waitMs: UInt32, after delay: Duration) {
        let request = LeaseJobRequest(workerID: configuration.workerID, waitMs: waitMs)
        let client = client
        let post = post
        let logger = logger
        lease = Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            guard !Task.isCancelled else {
                post.yield(.leaseFailed(.transient("cancelled")))
                return
            }
            do {
                post.yield(.leaseReplied(try await client.leaseJob(request)))
            } catch {
                if !Task.isCancelled {
                    logger.warning("lease failed", metadata: ["error": "\(WorkerExecutor.describe(error))"])
                }
                post.yield(.leaseFailed(WorkerExecutor.classify(error)))
            }
        }
    }

    private func startHeartbeat(_ request: HeartbeatRequest) {
        let client = client
        let post = post
        let logger = logger
        // A heartbeat slower than a few intervals is worth nothing: fail it and send the next.
        let timeout = max(heartbeatInterval * 3, .seconds(2))
        heartbeat = Task {
            do {
                guard case .heartbeat(let reply) = try await client.call(.heartbeat(request), timeout: timeout) else {
                    throw RPCClientError.unexpectedReply(call: "heartbeat")
                }
                logger.trace(
                    "heartbeat", metadata: ["in_flight": "\(request.inFlight.map { "\($0.job)" })"])
                for lease in reply.cancel {
                    logger.info("job cancelled by the coordinator", metadata: WorkerExecutor.metadata(lease))
                }
                post.yield(.heartbeatReplied(reply))
            } catch {
                if Task.isCancelled { return }  // shutting down
                logger.warning("heartbeat failed", metadata: ["error": "\(WorkerExecutor.describe(error))"])
                post.yield(.heartbeatFailed(WorkerExecutor.classify(error)))
            }
        }
    }

    private func startJob(_ assignment: JobAssignment) {
        let post = post
        let lease = assignment.job
        let input = assignment.content.isEmpty && !assignment.sourcePath.isEmpty ? assignment.sourcePath : "inline"
        logger.info(
            "job leased",
            metadata: WorkerExecutor.metadata(
                lease,
                [
                    "file": "\(assignment.fileName)", "bytes": "\(assignment.fileSize)",
                    "input": "\(input)",
                ]))
        let metrics = metrics
        metrics.inFlight.increment()
        Task {
            let started = ContinuousClock.now
            let outcome = await OffPoolThread.run(name: "gs-job-\(lease.jobID)") {
                JobRunner.run(assignment) { stage in post.yield(.stageChanged(lease, stage)) }
            }
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            metrics.jobFinished(
                outcome, bytes: assignment.fileSize, nanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            metrics.inFlight.decrement()
            post.yield(.jobFinished(lease, outcome))
        }
    }

    private func startReport(_ request: ReportResultRequest) {
        let client = client
        let post = post
        let logger = logger
        let lease = request.job
        let backoff = configuration.backoff
        let maxPartBytes = maxPartBytes
        let callTimeout = configuration.callTimeout
        reports[lease] = Task {
            // Splitting copies the whole result: on a thread of its own, like the transform.
            let parts = await OffPoolThread.run(name: "gs-split-\(lease.jobID)") {
                ResultParts.split(request, maxPartBytes: maxPartBytes)
            }
            WorkerExecutor.logOutcome(request, parts: parts.count, logger: logger)
            let outcome = await WorkerExecutor.send(
                parts, client: client, backoff: backoff, callTimeout: callTimeout, logger: logger)
            switch outcome {
            case .accepted(let state):
                logger.info(
                    "result reported", metadata: WorkerExecutor.metadata(lease, ["job_state": "\(state.rawValue)"]))
            case .dropped(let reason):
                if !Task.isCancelled {
                    logger.warning("result refused", metadata: WorkerExecutor.metadata(lease, ["reason": "\(reason)"]))
                }
            }
            post.yield(.reportFinished(lease, outcome))
        }
    }

    /// `job done` or `job failed`, once per result.
    static func logOutcome(_ request: ReportResultRequest, parts: Int, logger: Logger) {
        switch request.outcome {
        case .success(let s):
            logger.info(
                "job done",
                metadata: metadata(
                    request.job,
                    [
                        "rows": "\(s.counts.rowsRead)", "readings": "\(s.readings.count)",
                        "rejected": "\(s.counts.rejectedRows)", "archive_files": "\(s.archiveFiles.count)",
                        "parts": "\(parts)",
                    ]))
        case .failure(let f):
            logger.info(
                "job failed",
                metadata: metadata(
                    request.job, ["kind": "\(f.kind)", "reason": "\(f.reason)", "message": "\(f.message)"]))
        }
    }

    /// Sends a result's parts in order, each with a request id of its own that is reused on
    /// retries, so a part the coordinator already took is answered from its reply cache instead
    /// of running twice. Transient errors (no answer, lost connection, UNAVAILABLE) are retried
    /// with backoff until the task is cancelled (a cancel in a heartbeat reply, or the shutdown
    /// bound); a refusal (STALE_ATTEMPT, INVALID_REQUEST, …) ends it.
    static func send(
        _ parts: [ReportResultRequest], client: RPCClient, backoff: WorkerSession.Backoff, callTimeout: Duration,
        logger: Logger
    ) async -> WorkerSession.ReportOutcome {
        let ids = parts.map { _ in RPCClient.newRequestID() }
        // The last part is answered only once the coordinator has committed the whole result to
        // both sinks, which for millions of readings takes longer than an ordinary call.
        let readings = parts.reduce(0) { n, part in
            if case .success(let s) = part.outcome { return n + s.readings.count }
            return n
        }
        let commitTimeout = callTimeout + .seconds(readings / 20_000)
        var last: ReportResultReply?
        var index = 0
        var failures = 0
        while index < parts.count {
            if Task.isCancelled { return .dropped("cancelled") }
            do {
                let timeout = index == parts.count - 1 ? commitTimeout : callTimeout
                guard
                    case .reportResult(let reply) = try await client.call(
                        .reportResult(parts[index]), requestID: ids[index], timeout: timeout)
                else { throw RPCClientError.unexpectedReply(call: "report_result") }
                last = reply
                index += 1
                failures = 0
            } catch let error as RPCError where error.code != .unavailable && error.code != .internalError {
                return .dropped("\(error)")
            } catch {
                if Task.isCancelled { return .dropped("cancelled") }
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logger.warning(
                    "report failed, retrying",
                    metadata: metadata(parts[index].job, ["error": "\(describe(error))", "retry_in": "\(delay)"]))
                try? await Task.sleep(for: delay)
            }
        }
        return .accepted(last?.jobState ?? .running)
    }

    private func arm(after bound: Duration, _ event: WorkerSession.Event) {
        let post = post
        timers.append(
            Task {
                try? await Task.sleep(for: bound)
                if !Task.isCancelled { post.yield(event) }
            })
    }

    // MARK: - Logs

    /// Logs events that no action covers.
    func log(_ event: WorkerSession.Event, session: WorkerSession) {
        switch event {
        case .connectionRestored:
            logger.info("connection to the coordinator restored; registering again")
        case .shutdownRequested:
            logger.info("shutdown requested", metadata: ["jobs_in_flight": "\(session.slotsInUse)"])
        case .drainDeadlinePassed:
            logger.warning("drain bound passed; handing back unfinished jobs")
        case .finalDeadlinePassed:
            logger.warning("results still unsent after the drain bound; exiting anyway")
        case .stageChanged(let lease, let stage):
            logger.debug("job stage", metadata: WorkerExecutor.metadata(lease, ["stage": "\(stage)"]))
        default:
            break
        }
    }

    func logFinish(code: Int32, reason: String) {
        if code == 0 {
            logger.info("worker stopped", metadata: ["reason": "\(reason)"])
        } else {
            logger.error("worker stopped", metadata: ["reason": "\(reason)", "exit_code": "\(code)"])
        }
    }

    static func metadata(_ lease: JobLease, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        extra.merging(["job_id": "\(lease.jobID)", "attempt": "\(lease.attempt)"]) { a, _ in a }
    }

    /// Token refusals are fatal (a configuration error); everything else is retried.
    static func classify(_ error: any Error) -> WorkerSession.CallFailure {
        guard let rpc = error as? RPCError else { return .transient(describe(error)) }
        if rpc.code == .unauthenticated {
            return .unauthenticated("the coordinator refused the token (UNAUTHENTICATED): \(rpc.message)")
        }
        return .refused("\(rpc)")
    }

    static func describe(_ error: any Error) -> String {
        if let nng = error as? NngError, nng.isTimeout { return "no answer (\(nng.reason))" }
        return "\(error)"
    }
}
