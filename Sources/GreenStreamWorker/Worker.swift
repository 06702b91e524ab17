import GreenStreamCore
import GreenStreamRPC
import Logging
import NNG

/// A GreenStream worker process (SPEC R-R-2): dials the coordinator, registers, long-polls for
/// jobs, runs each on a thread of its own, heartbeats while it works and reports the results.
///
/// The decisions live in ``WorkerSession`` (a pure state machine); this type is its executor: it
/// feeds the session the events that tasks post and performs the actions it returns. Only the
/// ``run()`` loop touches the session, so there is nothing to lock.
public final class Worker: Sendable {
    public let configuration: WorkerConfiguration
    private let logger: Logger
    private let events: AsyncStream<WorkerSession.Event>
    private let post: AsyncStream<WorkerSession.Event>.Continuation

    /// - Parameters:
    ///   - configuration: a validated configuration.
    ///   - logger: one line per event, with `job_id`/`attempt` metadata where a job is concerned.
    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        // `worker`, as in the coordinator's lines about the same worker (one key to filter both by).
        logger[metadataKey: "worker"] = "\(configuration.workerID)"
        self.logger = logger
        (events, post) = AsyncStream.makeStream(of: WorkerSession.Event.self)
    }

    /// Asks the worker to stop leasing, finish (or hand back) its jobs and return from ``run()``.
    /// Safe to call from a signal handler's queue, any number of times.
    public func shutdown() { post.yield(.shutdownRequested) }

    /// Runs until the session stops: after a shutdown request once every job is finished or
    /// handed back, or at once when the coordinator refuses the token.
    /// - Returns: the exit status: 0 after a drain, 1 when the token was refused.
    /// - Throws: ``NngError`` or ``TransportError`` when the endpoint cannot even be dialled.
    public func run() async throws -> Int32 {
        let client = try RPCClient(
            dialing: configuration.coordinator, clusterToken: configuration.token,
            clientID: configuration.workerID, options: configuration.clientOptions)
        var session = WorkerSession(
            workerID: configuration.workerID, concurrency: configuration.concurrency,
            leaseWaitMs: UInt32(clamping: configuration.leaseWait.components.seconds * 1000),
            drainTimeout: configuration.drainTimeout, finalGrace: configuration.finalGrace,
            backoff: configuration.backoff)
        let executor = WorkerExecutor(
            client: client, configuration: configuration, logger: logger, post: post)
        executor.watchConnection()
        logger.info(
            "worker starting",
            metadata: [
                "coordinator": "\(configuration.coordinator)", "concurrency": "\(configuration.concurrency)",
            ])
        var exitCode: Int32 = 0
        post.yield(.started)
        loop: for await event in events {
            executor.log(event, session: session)
            for action in session.handle(event) {
                if case .finish(let code, let reason) = action {
                    exitCode = code
                    executor.logFinish(code: code, reason: reason)
                    break loop
                }
                executor.perform(action, session: session)
            }
        }
        await executor.stop()
        return exitCode
    }
}
