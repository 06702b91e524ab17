import Foundation

/// One libpq connection. Calls block the calling thread until the server answers.
///
/// Not thread-safe: use it from one thread at a time (``ConnectionPool`` hands each connection
/// to one caller). Every value reaches the server as a bound parameter or COPY data (R-H-4).
public final class PostgresConnection {
    /// Transaction isolation levels, as `BEGIN ISOLATION LEVEL …` names them.
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    private let handle: PQHandle
    /// The URL this connection was opened with.
    public let url: String

    private init(handle: PQHandle, url: String) {
        self.handle = handle
        self.url = url
    }

    /// Opens a connection, retrying with a jittered backoff (50 ms doubling to 2 s) while the
    /// server is unreachable or starting up. Failures that waiting cannot fix (authentication, an
    /// unknown database or role, a malformed URL) are thrown at once.
    ///
    /// Blocks the calling thread, sleeping between tries: call it from a store thread
    /// (``ConnectionPool`` does), never from a Swift concurrency task.
    /// - Parameters:
    ///   - url: `postgresql://user@host:port/db?…` (TCP) or with `host=/socket/dir` (Unix socket).
    ///   - retryForSeconds: how long to keep trying; 0 tries once.
    /// - Throws: ``PostgresError`` of kind `.connect` when the deadline passes.
    public static func connect(url: String, retryForSeconds: Double = 0) throws(PostgresError) -> PostgresConnection {
        try connect(url: url, retryForSeconds: retryForSeconds, backoff: .reconnect)
    }

    /// - Parameter onRetry: called after each failed try that will be retried.
    static func connect(url: String, retryForSeconds: Double, backoff: Backoff, onRetry: () -> Void = {})
        throws(PostgresError) -> PostgresConnection
    {
        let deadline = Date().addingTimeInterval(retryForSeconds)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return PostgresConnection(handle: try PQHandle.connect(url), url: url)
            } catch {
                let wait = backoff.randomDelay(attempt: attempt)
                if !error.mayPassByRetrying || Date().addingTimeInterval(wait) >= deadline { throw error }
                onRetry()
                Thread.sleep(forTimeInterval: wait)
            }
        }
    }

    /// Whether the connection is still open; false after the server went away.
    public var isUsable: Bool { handle.isOK }

    /// Whether the connection is usable and not inside a transaction block, i.e. fit to lend out.
    public var isReusable: Bool { handle.isOK && handle.isIdleOutsideTransaction }

    /// Whether an idle connection still has a live server behind it, without a round trip:
    /// reads whatever the server sent while the connection sat idle. A server that shut down or
    /// terminated the backend has sent a FATAL message and closed the socket, which libpq then
    /// reports as a broken connection. Never blocks.
    public var isAliveWhenIdle: Bool { handle.pollIdleConnection() }

    /// The server process serving this connection.
    public var backendPID: Int32 { handle.backendPID }

    /// Runs one statement with `$1…$n` bound to `parameters`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> QueryResult {
        try handle.execParams(sql, parameters, operation: "query")
    }

    /// Runs SQL text that contains no values (migrations, `SET LOCAL …`), possibly several
    /// statements. Named `unsafe` because nothing is bound: never build its text from data.
    @discardableResult
    public func execute(unsafeSQL sql: String) throws(PostgresError) -> QueryResult {
        try handle.execSimple(sql, operation: "execute")
    }

    /// Streams a finished binary COPY buffer for `COPY … FROM STDIN (FORMAT binary)`.
    /// - Parameters:
    ///   - sql: the COPY statement (static text).
    ///   - data: the stream, e.g. ``BinaryCopyBuffer/bytes`` after `finish()`.
    ///   - chunkSize: bytes per `PQputCopyData` call.
    ///   - afterChunk: called with the bytes sent so far; throwing aborts the COPY.
    /// - Returns: rows loaded, as the server counted them.
    @discardableResult
    public func copyIn(
        _ sql: String, data: [UInt8], chunkSize: Int = 1 << 20, afterChunk: ((Int) throws -> Void)? = nil
    ) throws -> Int {
        try handle.copyBegin(sql)
        var sent = 0
        do {
            try data.withUnsafeBytes { all in
                while sent < all.count {
                    let end = min(all.count, sent + chunkSize)
                    try handle.copyPut(UnsafeRawBufferPointer(rebasing: all[sent..<end]))
                    sent = end
                    try afterChunk?(sent)
                }
            }
        } catch {
            if handle.isOK { _ = try? handle.copyEnd(abortWith: "client aborted COPY: \(error)") }
            throw error
        }
        return try handle.copyEnd()
    }

    /// Runs `body` inside `BEGIN … COMMIT`, rolling back when it throws.
    public func transaction<T>(_ isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) throws -> T)
        throws -> T
    {
        do {
            return try transactionReportingBegin(isolation, body)
        } catch let failed as BeginFailed {
            throw failed.underlying
        }
    }

    /// ``transaction(_:_:)``, but a failure of BEGIN itself is thrown as ``BeginFailed``.
    func transactionReportingBegin<T>(_ isolation: IsolationLevel, _ body: (PostgresConnection) throws -> T)
        throws -> T
    {
        do {
            try execute(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        } catch {
            // Nothing ran yet: the pool may safely run the whole transaction on a fresh connection.
            throw BeginFailed(underlying: error)
        }
        return try transactionBody(body)
    }

    /// BEGIN itself failed, so the transaction had no effect. Internal: callers see the underlying
    /// ``PostgresError``; the pool uses this to retry once on a fresh connection.
    struct BeginFailed: Error {
        var underlying: PostgresError
    }

    private func transactionBody<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            let value = try body(self)
            // Named "commit" so that a connection lost here reads as an unknown outcome
            // (PostgresError.isCommitOutcomeUnknown), not as a failed transaction.
            try handle.execSimple("COMMIT", operation: "commit")
            return value
        } catch {
            if handle.isOK { _ = try? execute(unsafeSQL: "ROLLBACK") }
            throw error
        }
    }
}

extension PostgresError {
    /// libpq reports connection failures as text only (no SQLSTATE); these phrases mark the
    /// ones a restart or a moment's wait cannot cure.
    private static let permanentConnectPhrases = [
        "authentication failed", "does not exist", "no password supplied", "invalid", "no pg_hba.conf entry",
        "not permitted", "missing \"=\"", "unrecognized",
    ]

    /// Whether a connect failure may go away by itself (server down, restarting, overloaded).
    var mayPassByRetrying: Bool {
        guard kind == .connect else { return false }
        let text = message.lowercased()
        return !Self.permanentConnectPhrases.contains { text.contains($0) }
    }
}
