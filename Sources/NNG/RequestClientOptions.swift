/// Settings of a ``RequestClient``.
public struct RequestClientOptions: Sendable {
    /// Largest reply accepted (NNG_OPT_RECVMAXSZ on the dialer); default 64 MiB.
    public var maxMessageBytes: Int
    /// First reconnect delay after a connection fails or drops (default 100 ms).
    public var reconnectMinimum: Duration
    /// Ceiling of the doubling reconnect delay (default 5 s).
    public var reconnectMaximum: Duration
    /// NNG resends a request that got no reply within this time, and at once when the
    /// connection carrying it drops; `nil` disables resend (the call then fails with
    /// a connection-reset ``NngError`` on a drop). Default 10 s. Servers must
    /// deduplicate resends (request ids).
    public var resendInterval: Duration?
    /// Default deadline of one call, covering connect, send and reply (default 30 s).
    public var timeout: Duration
    /// TLS settings, required for `tls+tcp://` URLs.
    public var tls: TLSConfiguration?

    /// - Parameters:
    ///   - maxMessageBytes: reply size limit in bytes.
    ///   - reconnectMinimum: first reconnect delay.
    ///   - reconnectMaximum: largest reconnect delay.
    ///   - resendInterval: REQ resend time, `nil` for none.
    ///   - timeout: default per-call deadline.
    ///   - tls: TLS settings.
    public init(
        maxMessageBytes: Int = ReplyServerOptions.defaultMaxMessageBytes,
        reconnectMinimum: Duration = .milliseconds(100), reconnectMaximum: Duration = .seconds(5),
        resendInterval: Duration? = .seconds(10), timeout: Duration = .seconds(30), tls: TLSConfiguration? = nil
    ) {
        precondition(maxMessageBytes > 0, "RequestClientOptions: maxMessageBytes must be positive")
        precondition(
            reconnectMinimum > .zero && reconnectMaximum >= reconnectMinimum,
            "RequestClientOptions: bad reconnect delays")
        self.maxMessageBytes = maxMessageBytes
        self.reconnectMinimum = reconnectMinimum
        self.reconnectMaximum = reconnectMaximum
        self.resendInterval = resendInterval
        self.timeout = timeout
        self.tls = tls
    }
}
