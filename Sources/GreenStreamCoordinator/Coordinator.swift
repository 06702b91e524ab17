// The coordinator service (SPEC §7–§9): start-up (migrations, zones, reconciliation), the RPC endpoint,
// the landing pipeline, the rescuer, and graceful shutdown. The protocol lives in the pure machines
// (CommitSequence, JobLifecycle, RestartDecision); the files named Coordinator+… execute their actions.
// Blocking work never runs on Swift's cooperative threads: the store's calls run on the pool's threads
// (the async JobStore/HotStore API), file work on `files`, inotify on its own thread.
import Foundation
import GreenStreamArchive
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import Logging
import NNG
import Postgres
import Synchronization

/// One coordinator: create it, ``start()`` it, and ``shutdown()`` it on SIGTERM.
public final class Coordinator: Sendable {
    public let configuration: CoordinatorConfiguration
    let logger: Logger
    let pool: ConnectionPool
    let jobs: JobStore
    let hot: HotStore
    let archive: ArchiveWriter
    let zones: Zones
    /// Threads for file moves, fsyncs, hashing and staging.
    let files: StoreThreadPool
    let wakeup = Wakeup()
    let runtime = Mutex(RuntimeState())
    private let server = Mutex<RPCServer?>(nil)
    private let watcher = Mutex<LandingWatcher?>(nil)
    private let tasks = Mutex<[Task<Void, Never>]>([])
    let landingInbox: AsyncStream<LandingRequest>
    let landingContinuation: AsyncStream<LandingRequest>.Continuation

    /// What the coordinator keeps in memory (everything durable is in PostgreSQL and the zones).
    struct RuntimeState {
        var draining = false
        var commitsInFlight = 0
        /// Attempts whose commit sequence runs now: a second complete result for one waits its turn.
        var committing: Set<JobLease> = []
        var assemblers: [JobLease: ResultAssembler] = [:]
        var workers: [String: WorkerInfo] = [:]
        /// Open connections' peer addresses, by NNG pipe id (for `workers list`).
        var pipes: [UInt32: String] = [:]
        /// Connections that closed (most recent 4096): a long poll held for one claims nothing.
        var closedPipes: Set<UInt32> = []
        var closedOrder: [UInt32] = []
    }

    /// - Parameters:
    ///   - configuration: validated with ``CoordinatorConfiguration/validate()`` first.
    ///   - logger: one line per event, with job_id, attempt, worker and file as metadata.
    public init(configuration: CoordinatorConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        pool = ConnectionPool(url: configuration.postgresURL, maxConnections: configuration.maxConnections)
        jobs = JobStore(
            pool: pool,
            configuration: JobStoreConfiguration(
                retries: configuration.retries, heartbeatTimeoutSeconds: configuration.heartbeatTimeoutSeconds))
        hot = HotStore(
            pool: pool,
            settings: HotStoreSettings(
                retentionDays: configuration.hotRetentionDays, partitionDaysAhead: configuration.hotPartitionDaysAhead))
        archive = ArchiveWriter(dataDirectory: configuration.dataDirectory)
        zones = Zones(dataDirectory: configuration.dataDirectory)
        files = StoreThreadPool(threadCount: 2, name: "greenstream.files")
        (landingInbox, landingContinuation) = AsyncStream.makeStream(
            of: LandingRequest.self, bufferingPolicy: .unbounded)
    }

    /// The endpoint served, with the real port when port 0 was asked for; nil before ``start()``.
    public var listenURL: String? { server.withLock { $0?.url } }

    /// Applies migrations, creates the zones, reconciles them with PostgreSQL (R-J-7), gives every
    /// file waiting in `landing/` its job, then serves the endpoint and logs `coordinator ready`.
    public func start() async throws {
        try await files.run { [zones] in try zones.createAll() }
        _ = try await pool.withConnection { c in try Migrator().migrate(c) }
        try await applyGridTimeZone()
        await maintainHotStore()
        try await reconcile()
        let watcher = try LandingWatcher(directory: zones.landing)
        self.watcher.withLock { $0 = watcher }
        // Files that landed before the watch began: one listing after it, so none falls between.
        var known: [String: KnownLanding] = [:]
        await scanLanding(&known)
        let rpc = try RPCServer(
            listeningOn: configuration.listenURL,
            options: RPCServerOptions(
                clusterToken: configuration.token,
                transport: .init(contexts: 128 + 128, tls: configuration.tls)),
            service: CoordinatorService(coordinator: self), logger: logger)
        server.withLock { $0 = rpc }
        startLoops(watcher: watcher, known: known, pipeEvents: rpc.pipeEvents)
        logger.info(
            "coordinator ready", metadata: ["listen": "\(rpc.url)", "data_dir": "\(configuration.dataDirectory)"])
    }

    private func startLoops(watcher: LandingWatcher, known: [String: KnownLanding], pipeEvents: AsyncStream<PipeEvent>)
    {
        let landing = Task { await self.landingLoop(known: known) }
        let forward = Task {
            for await event in watcher.events { self.landingContinuation.yield(.event(event)) }
        }
        let rescan = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(self.configuration.rescanIntervalSeconds))
                self.landingContinuation.yield(.event(.rescan))
            }
        }
        let rescuer = Task { await self.rescuerLoop() }
        let hotStore = Task { await self.hotStoreLoop() }
        let pipes = Task {
            for await event in pipeEvents {
                self.runtime.withLock { state in
                    switch event.kind {
                    case .added: state.pipes[event.pipeID] = event.remoteAddress
                    case .removed:
                        state.pipes[event.pipeID] = nil
                        if state.closedPipes.insert(event.pipeID).inserted { state.closedOrder.append(event.pipeID) }
                        if state.closedOrder.count > 4096 { state.closedPipes.remove(state.closedOrder.removeFirst()) }
                    }
                }
                // Held polls of a closed connection stop waiting (and claim nothing).
                if event.kind == .removed { self.wakeup.signal() }
            }
        }
        tasks.withLock { $0 = [landing, forward, rescan, rescuer, hotStore, pipes] }
    }

    /// Graceful shutdown: stop leasing (held polls return empty), finish in-flight commits (bounded by
    /// `shutdownGraceSeconds`), stop the loops, then close the endpoint after the last reply went out.
    /// - Returns: false when closing the endpoint did not finish within 5 s (NNG 1.5.2 can hang in
    ///   close, docs/DECISIONS.md): the caller should then exit rather than wait.
    public func shutdown() async -> Bool {
        runtime.withLock { $0.draining = true }
        wakeup.signal()
        logger.info("coordinator draining")
        let deadline = ContinuousClock.now + .seconds(configuration.shutdownGraceSeconds)
        while runtime.withLock({ $0.commitsInFlight }) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = runtime.withLock { $0.commitsInFlight }
        if left > 0 {
            logger.warning(
                "shutdown: commits still in flight; restart reconciliation finishes them",
                metadata: ["commits": "\(left)"])
        }
        watcher.withLock { $0 }?.stop()
        // The landing task is not cancelled: it drains what was queued (an ingest waits for its job),
        // then ends with the stream. The other loops stop now.
        landingContinuation.finish()
        for task in tasks.withLock({ $0 }).dropFirst() { task.cancel() }
        // Held polls return at once now; wait for them and for every reply to leave (bounded: a
        // dropped malformed request never gets one, and new polls keep being answered).
        if let rpc = server.withLock({ $0 }) {
            let settle = ContinuousClock.now + .seconds(2)
            while (rpc.parkedPolls > 0 || rpc.repliesFinished < rpc.requestsReceived) && ContinuousClock.now < settle {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        let closed = await closeServer(timeout: .seconds(5))
        files.shutdown()
        logger.info("coordinator stopped", metadata: ["clean": "\(closed)"])
        return closed
    }

    /// Closes the RPC server on a thread of its own and waits at most `timeout` for it.
    private func closeServer(timeout: Duration) async -> Bool {
        guard let rpc = server.withLock({ $0 }) else { return true }
        let done = Mutex(false)
        Thread.detachNewThread {
            rpc.close()
            done.withLock { $0 = true }
        }
        let deadline = ContinuousClock.now + timeout
        while !done.withLock({ $0 }) && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return done.withLock { $0 }
    }

    var isDraining: Bool { runtime.withLock { $0.draining } }

    /// `LeaseJob` long polls held right now.
    public var parkedPolls: Int { server.withLock { $0?.parkedPolls ?? 0 } }

    /// The hot store's grid zone follows `--grid-tz`; it can change only while `readings` is empty.
    private func applyGridTimeZone() async throws {
        var zone = configuration.settings.gridTimeZone
        if zone == "Z" || zone == "+00:00" || zone == "+0000" || zone == "+00" { zone = "UTC" }
        let rules = try ZoneRules(named: zone)
        if rules.isFixed && zone != "UTC" {
            throw CoordinatorError.gridTimeZone(
                "--grid-tz \(zone): the hot store computes grid hours in PostgreSQL, "
                    + "which needs UTC or an IANA zone name")
        }
        do { try await hot.setGridTimeZone(zone) } catch let error as StoreError {
            throw CoordinatorError.gridTimeZone("--grid-tz \(zone): \(error)")
        }
    }

    /// The rescuer (R-J-3): every half heartbeat timeout, attempts whose worker went silent are failed
    /// with `worker_lost`, and retried or quarantined. A worker whose connection drops is not failed at
    /// once: it may reconnect, so its attempts live until the heartbeat timeout (docs/COORDINATOR.md).
    private func rescuerLoop() async {
        let period = Duration.milliseconds(Int(configuration.heartbeatTimeoutSeconds * 500))
        while !Task.isCancelled && !isDraining {
            try? await Task.sleep(for: period)
            if Task.isCancelled || isDraining { return }
            do {
                for (lease, outcome) in try await jobs.jobRescueLost() {
                    logger.warning(
                        "attempt lost",
                        metadata: ["job_id": "\(lease.jobID)", "attempt": "\(lease.attempt)", "reason": "worker_lost"])
                    var lifecycle = JobLifecycle(state: .running, current: lease)
                    await perform(lifecycle.failureRecorded(outcome, reason: "worker_lost"), jobID: lease.jobID)
                }
            } catch {
                logger.error("rescuer: \(error)")
            }
        }
    }

    /// Performs a lifecycle action that touches the zones or the waiting polls.
    func perform(_ action: JobLifecycle.Action, jobID: Int64) async {
        switch action {
        case .none, .sendAssignment, .runCommitSequence, .recordFailure, .refuseStale: return
        case .wakeLeaseWaiters(let at):
            guard let at else { return wakeup.signal() }
            let delay = max(0, at - Date().timeIntervalSince1970)
            Task {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000) + 5))
                self.wakeup.signal()
            }
        case .moveRawToProcessed:
            await retryingFileStep("move to processed", jobID: jobID) { job in
                let path = try self.zones.moveRawToProcessed(job)
                self.logger.info(
                    "raw file moved",
                    metadata: ["job_id": "\(job.id)", "file": "\(job.fileName)", "to": "\(path ?? "-")"])
            }
        case .moveRawToQuarantine(let reason):
            await retryingFileStep("move to quarantine", jobID: jobID) { job in
                let path = try self.zones.moveRawToQuarantine(job, reason: job.lastError ?? reason)
                self.logger.warning(
                    "job quarantined",
                    metadata: [
                        "job_id": "\(job.id)", "file": "\(job.fileName)", "reason": "\(job.lastError ?? reason)",
                        "attempts": "\(job.attempt)", "to": "\(path ?? "-")",
                    ])
            }
        }
    }

    /// Reads the job, then runs a zone step on the file threads, retrying with a pause while it fails
    /// (a full disk passes; a crash is covered by reconciliation).
    private func retryingFileStep(_ what: String, jobID: Int64, _ body: @escaping @Sendable (Job) throws -> Void) async
    {
        var pause = Duration.milliseconds(100)
        for _ in 0..<20 {
            do {
                guard let job = try await jobs.jobShow(id: jobID)?.job else { return }
                try await files.run { try body(job) }
                return
            } catch {
                logger.error("\(what) failed: \(error)", metadata: ["job_id": "\(jobID)"])
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }
}

/// Adapts the coordinator to the RPC server's service protocol.
struct CoordinatorService: RPCService {
    let coordinator: Coordinator
    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        try await coordinator.handle(body, context: context)
    }
}
