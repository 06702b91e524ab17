/// A failure reported by libpq or by the server, with the call that failed.
///
/// Server errors carry the five-character SQLSTATE and the server's own message, so callers
/// can tell a deadlock (`40P01`) or a serialisation failure (`40001`) from a real error.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: Sendable, Equatable {
        /// Could not open a connection (server down, bad URL, authentication refused).
        case connect
        /// The connection broke while in use (server restart, `pg_terminate_backend`).
        case connectionLost
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// The server answered in a way this wrapper did not expect (a protocol misuse).
        case unexpectedResult
    }

    public var kind: Kind
    /// SQLSTATE code such as `40001`, present for server errors.
    public var sqlState: String?
    /// The server's primary message, or libpq's message for client-side failures.
    public var message: String
    /// The server's DETAIL field, when it sent one.
    public var detail: String?
    /// The wrapper call that failed, e.g. `execute` or `copyIn`.
    public var operation: String

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, operation: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.operation = operation
    }

    public var description: String {
        var text = "PostgreSQL \(operation) failed"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// `40001`: the transaction lost a serialisation race; running it again is safe.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// `40P01`: the server broke a deadlock by aborting this transaction.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// `23505`: a unique constraint refused a row.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// The connection is gone; a new one is needed.
    public var isConnectionFailure: Bool {
        kind == .connect || kind == .connectionLost || (sqlState?.hasPrefix("08") ?? false)
            || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }
    /// Worth retrying the whole transaction on a live connection.
    public var isTransient: Bool { isSerializationFailure || isDeadlock }
}
