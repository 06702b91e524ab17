import CoreMetrics
import Foundation
import GreenStreamMetricNames
import Logging

/// A small pool of ``PostgresConnection``s to one server.
///
/// Connections are opened lazily up to `maxConnections`; callers beyond that wait. A connection
/// that broke while lent out (server restart, terminated backend) is dropped on return, and the
/// next caller gets a fresh one, opened with backoff for up to `reconnectSeconds`. An idle
/// connection whose server went away meanwhile is noticed before it is lent (see
/// ``PostgresConnection/isAliveWhenIdle``), so a restart costs no caller an error.
///
/// The synchronous entry points block the calling thread. The `async` ones run the same work
/// on ``threads``, the pool's own dedicated threads (one per connection), so callers in Swift
/// concurrency never block a cooperative thread, not even while waiting for a free connection
/// or sleeping between reconnect attempts.
public final class ConnectionPool: @unchecked Sendable {
    /// The server URL every connection uses.
    public let url: String
    /// The most connections open at once.
    public let maxConnections: Int
    /// How long opening a connection keeps retrying while the server is down.
    public let reconnectSeconds: Double

    /// The threads the `async` entry points (here, in JobStore and in HotStore) run on.
    public let threads: StoreThreadPool
    /// The lane for bulk work (HotStore's async commit): fewer threads than connections, at a
    /// lower CPU priority, so however many commits are asked for at once, short calls such as
    /// heartbeats always find a thread, a connection and a share of the CPU.
    public let bulkThreads: StoreThreadPool

    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var failedConnects = 0
    private let logger: Logger
    /// swift-metrics handles (no-ops until an executable bootstraps a backend): connections lent
    /// and open, and checkouts that had to wait and for how long. Recorded under `condition`'s
    /// lock where the numbers change, so the gauges never run ahead of the pool's own counts.
    private let inUseGauge: Gauge
    private let openGauge: Gauge
    private let waitsCounter: Counter
    private let waitTimer: CoreMetrics.Timer
    private var lent = 0
    /// Test seam: off, idle connections are lent without the liveness check, so a test can reach
    /// the BEGIN retry of ``withTransaction(_:maxAttempts:retryIf:_:)`` deterministically.
    let checksIdleConnections: Bool

    /// Connect tries that failed and were retried (server down or starting), since the pool
    /// began: a restart shows here, and tests use it as the signal that the pool is waiting.
    public var failedConnectAttempts: Int {
        condition.lock()
        defer { condition.unlock() }
        return failedConnects
    }

    /// - Parameters:
    ///   - url: a `postgresql://` URL.
    ///   - maxConnections: at least 1.
    ///   - reconnectSeconds: retry budget for opening a connection.
    ///   - metricsFactory: where the pool's metrics go; nil = swift-metrics' global backend.
    public convenience init(
        url: String, maxConnections: Int = 4, reconnectSeconds: Double = 30,
        logger: Logger = Logger(label: "greenstream.postgres"), metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.init(
            url: url, maxConnections: maxConnections, reconnectSeconds: reconnectSeconds, logger: logger,
            checksIdleConnections: true, metricsFactory: metricsFactory)
    }

    init(
        url: String, maxConnections: Int, reconnectSeconds: Double,
        logger: Logger = Logger(label: "greenstream.postgres"), checksIdleConnections: Bool,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        let factory = metricsFactory ?? MetricsSystem.factory
        inUseGauge = Gauge(label: MetricNames.pgPoolInUse, dimensions: [], factory: factory)
        openGauge = Gauge(label: MetricNames.pgPoolOpen, dimensions: [], factory: factory)
        waitsCounter = Counter(label: MetricNames.pgPoolWaits, dimensions: [], factory: factory)
        waitTimer = CoreMetrics.Timer(label: MetricNames.pgPoolWaitSeconds, dimensions: [], factory: factory)
        precondition(maxConnections >= 1, "a pool needs at least one connection")
        self.checksIdleConnections = checksIdleConnections
        self.url = url
        self.maxConnections = maxConnections
        self.reconnectSeconds = reconnectSeconds
        self.logger = logger
        self.threads = StoreThreadPool(threadCount: maxConnections, name: "greenstream.postgres")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        self.bulkThreads = StoreThreadPool(
            threadCount: max(1, min(maxConnections - 1, cores - 1)), name: "greenstream.bulk", niceIncrement: 10)
    }

    deinit {
        threads.shutdown()
        bulkThreads.shutdown()
    }

    /// Lends a connection to `body` and takes it back afterwards.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Runs `body` in a transaction, re-running it from the start (after a jittered backoff) when
    /// the server aborted it for a deadlock or serialisation failure, or when `retryIf` says so.
    /// - Parameters:
    ///   - maxAttempts: total runs before the last error is thrown.
    @discardableResult
    public func withTransaction<T>(
        _ isolation: PostgresConnection.IsolationLevel = .readCommitted, maxAttempts: Int = 8,
        retryIf: (PostgresError) -> Bool = { _ in false },
        _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        var attempt = 0
        var beginRetried = false
        while true {
            attempt += 1
            do {
                return try withConnection { try $0.transactionReportingBegin(isolation, body) }
            } catch let failed as PostgresConnection.BeginFailed {
                // BEGIN did nothing, so running the whole transaction on a fresh connection is
                // safe; the broken one was dropped on return. Once only: a server that keeps
                // failing BEGIN is down, and that is the caller's error to see.
                guard failed.underlying.isConnectionFailure, !beginRetried else { throw failed.underlying }
                beginRetried = true
                attempt -= 1
                logger.info("BEGIN failed on a broken connection; retrying on a fresh one")
            } catch let error as PostgresError where (error.isTransient || retryIf(error)) && attempt < maxAttempts {
                logger.debug("retrying transaction", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                Thread.sleep(forTimeInterval: Backoff.transactionRetry.randomDelay(attempt: attempt))
            }
        }
    }

    /// ``withConnection(_:)`` run on one of ``threads``: the calling task waits without holding
    /// a thread of the cooperative pool.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws
        -> T
    {
        try await threads.run { try self.withConnection(body) }
    }

    /// ``withTransaction(_:maxAttempts:retryIf:_:)`` run on one of ``threads``; the backoff
    /// between re-runs sleeps a store thread, not the caller's.
    @discardableResult
    public func withTransaction<T: Sendable>(
        _ isolation: PostgresConnection.IsolationLevel = .readCommitted, maxAttempts: Int = 8,
        retryIf: @escaping @Sendable (PostgresError) -> Bool = { _ in false },
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await threads.run {
            try self.withTransaction(isolation, maxAttempts: maxAttempts, retryIf: retryIf, body)
        }
    }

    /// Closes idle connections; lent ones close when returned after this.
    public func closeIdle() {
        condition.lock()
        open -= idle.count
        openGauge.record(open)
        idle.removeAll()
        condition.unlock()
    }

    private func checkOut() throws(PostgresError) -> PostgresConnection {
        condition.lock()
        var waitedSince: UInt64?
        defer {
            // One observation per checkout: zero when a connection was at hand.
            waitTimer.recordNanoseconds(waitedSince.map { Int64(DispatchTime.now().uptimeNanoseconds - $0) } ?? 0)
        }
        while true {
            if let connection = idle.popLast() {
                // A server restart kills idle connections without their owner noticing; lending
                // one out would fail its borrower's first statement, costing a job an attempt.
                if checksIdleConnections ? connection.isAliveWhenIdle : connection.isUsable {
                    lendLocked()
                    condition.unlock()
                    return connection
                }
                open -= 1
                openGauge.record(open)
                logger.info("dropping an idle PostgreSQL connection whose server went away")
                continue
            }
            if open < maxConnections {
                open += 1
                openGauge.record(open)
                lendLocked()
                condition.unlock()
                do {
                    return try PostgresConnection.connect(
                        url: url, retryForSeconds: reconnectSeconds, backoff: .reconnect, onRetry: countFailedConnect)
                } catch {
                    condition.lock()
                    open -= 1
                    openGauge.record(open)
                    lent -= 1
                    inUseGauge.record(lent)
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            if waitedSince == nil {
                waitedSince = DispatchTime.now().uptimeNanoseconds
                waitsCounter.increment()
            }
            condition.wait()
        }
    }

    /// Counts a connection lent out; call with `condition` locked.
    private func lendLocked() {
        lent += 1
        inUseGauge.record(lent)
    }

    private func countFailedConnect() {
        condition.lock()
        failedConnects += 1
        condition.unlock()
    }

    private func checkIn(_ connection: PostgresConnection) {
        condition.lock()
        lent -= 1
        inUseGauge.record(lent)
        if connection.isReusable {
            idle.append(connection)
        } else {
            open -= 1
            openGauge.record(open)
            logger.info("dropping a PostgreSQL connection that broke or was left inside a transaction")
        }
        condition.signal()
        condition.unlock()
    }
}
