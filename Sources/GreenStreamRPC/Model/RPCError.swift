/// A typed error reply (`greenstream.v1.Error`). Thrown by ``RPCClient`` when the
/// server answers with an error.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `greenstream.v1.ErrorCode`; clients branch on this.
    public enum Code: Int32, Sendable, CaseIterable {
        case invalidRequest = 1
        case unauthenticated = 2
        case unsupportedVersion = 3
        case unknownRequest = 4
        case notFound = 5
        case failedPrecondition = 6
        case staleAttempt = 7
        case messageTooLarge = 8
        case unavailable = 9
        case internalError = 10

        /// The lowercase name used in logs, e.g. `unauthenticated`.
        public var name: String {
            switch self {
            case .invalidRequest: "invalid_request"
            case .unauthenticated: "unauthenticated"
            case .unsupportedVersion: "unsupported_version"
            case .unknownRequest: "unknown_request"
            case .notFound: "not_found"
            case .failedPrecondition: "failed_precondition"
            case .staleAttempt: "stale_attempt"
            case .messageTooLarge: "message_too_large"
            case .unavailable: "unavailable"
            case .internalError: "internal"
            }
        }
    }

    public var code: Code
    /// One line for a human.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}
