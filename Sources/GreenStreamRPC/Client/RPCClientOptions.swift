import NNG

/// Settings of an ``RPCClient``.
public struct RPCClientOptions: Sendable {
    /// NNG settings (reply size limit, reconnect backoff, resend, default timeout, TLS).
    public var transport: RequestClientOptions
    /// Largest request sent; larger ones fail before sending with
    /// ``TransportError/messageTooLarge(size:limit:)``, because the server would drop
    /// the connection. Match the server's receive limit (64 MiB by default).
    public var maxRequestBytes: Int
    /// Extra time a `LeaseJob` call waits beyond its `waitMs` for the reply.
    public var pollGrace: Duration
    /// Decoding bounds for replies.
    public var limits: WireLimits

    /// - Parameters:
    ///   - transport: NNG settings.
    ///   - maxRequestBytes: request size limit (default 64 MiB).
    ///   - pollGrace: margin on long-poll deadlines (default 10 s).
    ///   - limits: decoding bounds.
    public init(
        transport: RequestClientOptions = .init(), maxRequestBytes: Int = ReplyServerOptions.defaultMaxMessageBytes,
        pollGrace: Duration = .seconds(10), limits: WireLimits = .init()
    ) {
        self.transport = transport
        self.maxRequestBytes = maxRequestBytes
        self.pollGrace = pollGrace
        self.limits = limits
    }
}

/// A reply that does not fit the request.
public enum RPCClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reply names another request id.
    case mismatchedReply(expected: String, got: String)
    /// The reply's body is not the result of the call made.
    case unexpectedReply(call: String)

    public var description: String {
        switch self {
        case .mismatchedReply(let expected, let got): "reply for request \(got) arrived for request \(expected)"
        case .unexpectedReply(let call): "reply does not answer the \(call) call"
        }
    }
}
