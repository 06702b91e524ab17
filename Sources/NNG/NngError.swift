import CNNG

/// A failed NNG call: the `NNG_E*` code it returned and which call it was.
///
/// This file is the one place that turns NNG return codes into Swift errors. Codes
/// that can only mean a bug in this module (invalid arguments we built ourselves)
/// trap instead, see ``NngError/check(_:_:)``.
public struct NngError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The raw `NNG_E*` value.
    public let code: Int32
    /// The NNG function that failed, e.g. `nng_listener_start`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// NNG's text for the code, e.g. "Timed out".
    public var reason: String { String(cString: nng_strerror(code)) }

    public var description: String { "\(operation): \(reason) (NNG error \(code))" }

    /// The operation did not finish before its deadline.
    public var isTimeout: Bool { code == Int32(NNG_ETIMEDOUT.rawValue) }
    /// The socket was closed (shutdown).
    public var isClosed: Bool { code == Int32(NNG_ECLOSED.rawValue) }
    /// The operation was cancelled (task cancellation).
    public var isCancelled: Bool { code == Int32(NNG_ECANCELED.rawValue) }
    /// The connection carrying the request dropped before the reply came.
    public var isConnectionReset: Bool {
        code == Int32(NNG_ECONNRESET.rawValue) || code == Int32(NNG_ECONNSHUT.rawValue)
    }

    /// Throws an ``NngError`` for a non-zero return code.
    ///
    /// `NNG_EINVAL` and `NNG_ENOTSUP` trap only where the caller says so, because
    /// user-supplied URLs and TLS material can also produce them.
    @inline(__always)
    static func check(_ rv: Int32, _ operation: @autoclosure () -> String) throws {
        if rv != 0 { throw NngError(code: rv, operation: operation()) }
    }

    /// For calls whose only failures are our own misuse (an option name we spelled,
    /// a value we computed): a failure is a bug, so trap with the reason.
    @inline(__always)
    static func mustSucceed(_ rv: Int32, _ operation: @autoclosure () -> String) {
        if rv != 0 {
            preconditionFailure("\(operation()) failed: \(String(cString: nng_strerror(rv))) — a bug in the NNG module")
        }
    }
}

/// Errors of the transport that are not a single NNG call's return code.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message is larger than the configured limit; nothing was sent.
    case messageTooLarge(size: Int, limit: Int)
    /// This libnng was built without TLS support (engine "none").
    case tlsUnavailable
    /// A `tls+…` URL was given without a ``TLSConfiguration`` (servers need a certificate).
    case tlsConfigurationMissing(url: String)
    /// A certificate, key or CA file could not be read.
    case unreadableFile(path: String)
    /// The client or server was already closed.
    case closed

    public var description: String {
        switch self {
        case .messageTooLarge(let size, let limit): "message of \(size) bytes exceeds the limit of \(limit) bytes"
        case .tlsUnavailable: "libnng has no TLS engine; tls+tcp:// endpoints are unavailable"
        case .tlsConfigurationMissing(let url): "\(url) needs TLS settings (certificate and key)"
        case .unreadableFile(let path): "cannot read \(path)"
        case .closed: "the transport is closed"
        }
    }
}

extension Duration {
    /// Whole milliseconds, clamped to NNG's `nng_duration` (Int32), at least 1.
    var nngMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(1, ms))
    }
}
