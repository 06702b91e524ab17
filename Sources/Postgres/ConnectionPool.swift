import Foundation
import Logging

/// A small blocking pool of ``PostgresConnection``s to one server.
///
/// Connections are opened lazily up to `maxConnections`; callers beyond that wait. A connection
/// that broke while lent out (server restart, terminated backend) is dropped on return, and the
/// next caller gets a fresh one, opened with backoff for up to `reconnectSeconds`.
public final class ConnectionPool: @unchecked Sendable {
    /// The server URL every connection uses.
    public let url: String
    /// The most connections open at once.
    public let maxConnections: Int
    /// How long opening a connection keeps retrying while the server is down.
    public let reconnectSeconds: Double

    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private let logger: Logger

    /// - Parameters:
    ///   - url: a `postgresql://` URL.
    ///   - maxConnections: at least 1.
    ///   - reconnectSeconds: retry budget for opening a connection.
    public init(
        url: String, maxConnections: Int = 4, reconnectSeconds: Double = 30,
        logger: Logger = Logger(label: "greenstream.postgres")
    ) {
        precondition(maxConnections >= 1, "a pool needs at least one connection")
        self.url = url
        self.maxConnections = maxConnections
        self.reconnectSeconds = reconnectSeconds
        self.logger = logger
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
        while true {
            attempt += 1
            do {
                return try withConnection { try $0.transaction(isolation, body) }
            } catch let error as PostgresError where (error.isTransient || retryIf(error)) && attempt < maxAttempts {
                logger.debug("retrying transaction", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                Thread.sleep(forTimeInterval: Backoff.transactionRetry.randomDelay(attempt: attempt))
            }
        }
    }

    /// Closes idle connections; lent ones close when returned after this.
    public func closeIdle() {
        condition.lock()
        open -= idle.count
        idle.removeAll()
        condition.unlock()
    }

    private func checkOut() throws(PostgresError) -> PostgresConnection {
        condition.lock()
        while true {
            if let connection = idle.popLast() {
                if connection.isUsable {
                    condition.unlock()
                    return connection
                }
                open -= 1
                continue
            }
            if open < maxConnections {
                open += 1
                condition.unlock()
                do {
                    return try PostgresConnection.connect(url: url, retryForSeconds: reconnectSeconds)
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        condition.lock()
        if connection.isReusable {
            idle.append(connection)
        } else {
            open -= 1
            logger.info("dropping a PostgreSQL connection that broke or was left inside a transaction")
        }
        condition.signal()
        condition.unlock()
    }
}
