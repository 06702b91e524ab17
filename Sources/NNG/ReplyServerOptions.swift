/// Settings of a ``ReplyServer``.
public struct ReplyServerOptions: Sendable {
    /// Default receive limit per listener: 64 MiB.
    public static let defaultMaxMessageBytes = 64 << 20
    /// Default number of REP contexts.
    public static let defaultContexts = 256

    /// Largest request accepted (NNG_OPT_RECVMAXSZ on the listener). NNG closes the
    /// connection of a peer that sends more, so clients must check sizes first.
    public var maxMessageBytes: Int
    /// Requests the server can hold at once: every parked long poll holds one, so
    /// this must exceed the application's bound on parked polls by the number of
    /// concurrent short requests it should still serve.
    public var contexts: Int
    /// TLS settings, required for `tls+tcp://` URLs and ignored for others.
    public var tls: TLSConfiguration?
    /// How long a reply may wait for a peer that does not read before it is dropped
    /// and the context serves again (default 10 s).
    public var sendTimeout: Duration

    /// - Parameters:
    ///   - maxMessageBytes: receive limit in bytes (default 64 MiB).
    ///   - contexts: concurrent requests (default 256).
    ///   - tls: TLS settings for `tls+tcp://` listeners.
    ///   - sendTimeout: deadline for delivering one reply.
    public init(
        maxMessageBytes: Int = defaultMaxMessageBytes, contexts: Int = defaultContexts, tls: TLSConfiguration? = nil,
        sendTimeout: Duration = .seconds(10)
    ) {
        precondition(maxMessageBytes > 0 && contexts > 0, "ReplyServerOptions: limits must be positive")
        self.maxMessageBytes = maxMessageBytes
        self.contexts = contexts
        self.tls = tls
        self.sendTimeout = sendTimeout
    }
}

/// One request as received by a ``ReplyServer``.
public struct ServerRequest: Sendable {
    /// The message as NNG received it, not copied; read it with
    /// ``ReceivedMessage/withUnsafeBytes(_:)``.
    public var message: ReceivedMessage
    /// The connection it came on; matches ``PipeEvent/pipeID``, so a parked request
    /// can be abandoned when its connection goes away.
    public var pipeID: UInt32

    public init(message: ReceivedMessage, pipeID: UInt32) {
        self.message = message
        self.pipeID = pipeID
    }

    /// A copy of the message body.
    public var bytes: [UInt8] { message.withUnsafeBytes { Array($0) } }
}

/// Produces the reply to one request. It may take as long as it likes (a long
/// poll); it runs in its own task, never on an NNG thread.
public typealias ServerHandler = @Sendable (ServerRequest) async -> [UInt8]
