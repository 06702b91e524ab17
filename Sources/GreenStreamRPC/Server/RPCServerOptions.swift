import NNG

/// Settings of an ``RPCServer``.
public struct RPCServerOptions: Sendable {
    /// The cluster's shared secret; requests must carry it (R-R-3).
    public var clusterToken: String
    /// Protocol versions accepted in `RequestHeader.protocol_version`.
    public var supportedVersions: ClosedRange<UInt32>
    /// How many `LeaseJob` long polls may be held at once; further polls are
    /// answered at once with no job and ``retryAfterMs``. Keeps contexts free for
    /// heartbeats and results.
    public var maxParkedPolls: Int
    /// Suggested back-off for polls refused because ``maxParkedPolls`` is reached.
    public var retryAfterMs: UInt32
    /// Largest reply sent; a larger one is replaced by `MESSAGE_TOO_LARGE`. Match the
    /// clients' receive limit (64 MiB by default), or they drop the connection.
    public var maxReplyBytes: Int
    /// Replies remembered for resent requests: at most this many…
    public var dedupeEntries: Int
    /// …and at most this many bytes in total.
    public var dedupeBytes: Int
    /// Decoding bounds.
    public var limits: WireLimits
    /// NNG settings; its `contexts` default to ``maxParkedPolls`` + 128.
    public var transport: ReplyServerOptions

    /// - Parameters:
    ///   - clusterToken: the shared secret, 1–1024 bytes (it travels in the request
    ///     header, which is read before anything else and bounded by `limits`).
    ///   - supportedVersions: accepted protocol versions (default 1…1).
    ///   - maxParkedPolls: held long polls (default 128).
    ///   - retryAfterMs: back-off for refused polls (default 1000).
    ///   - maxReplyBytes: reply size limit (default 64 MiB).
    ///   - dedupeEntries: remembered replies (default 4096).
    ///   - dedupeBytes: remembered reply bytes (default 256 MiB).
    ///   - limits: decoding bounds.
    ///   - transport: NNG settings; `nil` for defaults sized from `maxParkedPolls`.
    public init(
        clusterToken: String, supportedVersions: ClosedRange<UInt32> = currentProtocolVersion...currentProtocolVersion,
        maxParkedPolls: Int = 128, retryAfterMs: UInt32 = 1000,
        maxReplyBytes: Int = ReplyServerOptions.defaultMaxMessageBytes,
        dedupeEntries: Int = 4096, dedupeBytes: Int = 256 << 20, limits: WireLimits = .init(),
        transport: ReplyServerOptions? = nil
    ) {
        precondition(!clusterToken.isEmpty, "RPCServerOptions: the cluster token must not be empty")
        precondition(
            clusterToken.utf8.count <= 1024, "RPCServerOptions: the cluster token must be at most 1024 bytes")
        precondition(
            limits.maxHeaderBytes >= clusterToken.utf8.count + 512,
            "RPCServerOptions: limits.maxHeaderBytes must leave room for the token, a request id and a client id")
        precondition(maxParkedPolls >= 0 && dedupeEntries > 0, "RPCServerOptions: bad limits")
        self.clusterToken = clusterToken
        self.supportedVersions = supportedVersions
        self.maxParkedPolls = maxParkedPolls
        self.retryAfterMs = retryAfterMs
        self.maxReplyBytes = maxReplyBytes
        self.dedupeEntries = dedupeEntries
        self.dedupeBytes = dedupeBytes
        self.limits = limits
        self.transport = transport ?? ReplyServerOptions(contexts: maxParkedPolls + 128)
        precondition(
            self.transport.contexts > maxParkedPolls,
            "RPCServerOptions: transport.contexts (\(self.transport.contexts)) must exceed maxParkedPolls (\(maxParkedPolls))"
        )
    }
}
