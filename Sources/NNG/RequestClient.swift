import CNNG
import Synchronization

/// An asynchronous NNG REQ client. It dials in the background (a server that is
/// down or restarting is retried with backoff, never an error), and every call gets
/// its own REQ context, so concurrent calls never cancel each other.
///
/// Closing is explicit: call ``close()`` once the last call has returned. `deinit`
/// never closes the socket, because `nng_close` can hang in NNG 1.5.2 when a reply is
/// still arriving; a client dropped without ``close()`` leaves its socket open and
/// says so on standard error (see `UnclosedSockets`).
public final class RequestClient: @unchecked Sendable {
    /// The URL dialled.
    public let url: String
    /// Connections made and lost. One stream per client: give it a single consumer.
    public var pipeEvents: AsyncStream<PipeEvent> { pipeSource.events }
    /// The settings the client was made with.
    public let options: RequestClientOptions

    private var socket = nng_socket()
    private var dialer = nng_dialer()
    private let pipeSource = PipeEventSource()
    private let closed = Mutex(false)
    private let inFlight = Atomic(0)

    /// Messages this client's open connections have carried (NNG's pipe statistics).
    public var traffic: PipeTraffic { PipeTraffic.of(socket) }
    /// Calls that have reached NNG (their send is issued, or is the next step) and have
    /// not returned yet. A test can wait on it to know a call was really made, for
    /// example while its server is down.
    public var callsInFlight: Int { inFlight.load(ordering: .acquiring) }

    /// Opens the socket and starts dialling `url` in the background.
    /// - Parameters:
    ///   - url: `ipc:///path`, `tcp://host:port` or `tls+tcp://host:port`.
    ///   - options: limits, backoff, resend, TLS.
    /// - Throws: ``NngError`` for a malformed URL or socket failure, ``TransportError`` for TLS setup.
    public init(dialing url: String, options: RequestClientOptions = .init()) throws {
        self.url = url
        self.options = options
        let rv = nng_req0_open(&socket)
        guard rv == 0 else {
            closed.withLock { $0 = true }  // nothing was opened: nothing for deinit to keep
            throw NngError(code: rv, operation: "nng_req0_open")
        }
        do {
            pipeSource.register(on: socket)
            let resend = options.resendInterval?.nngMilliseconds ?? Int32(NNG_DURATION_INFINITE)
            NngError.mustSucceed(nng_socket_set_ms(socket, NNG_OPT_REQ_RESENDTIME, resend), "nng_socket_set_ms(resend)")
            try NngError.check(nng_dialer_create(&dialer, socket, url), "nng_dialer_create(\(url))")
            NngError.mustSucceed(
                nng_dialer_set_size(dialer, NNG_OPT_RECVMAXSZ, options.maxMessageBytes), "nng_dialer_set_size")
            NngError.mustSucceed(
                nng_dialer_set_ms(dialer, NNG_OPT_RECONNMINT, options.reconnectMinimum.nngMilliseconds),
                "nng_dialer_set_ms")
            NngError.mustSucceed(
                nng_dialer_set_ms(dialer, NNG_OPT_RECONNMAXT, options.reconnectMaximum.nngMilliseconds),
                "nng_dialer_set_ms")
            if url.hasPrefix("tls+") {
                let cfg = try (options.tls ?? TLSConfiguration(peerVerification: .required)).makeConfig(server: false)
                defer { nng_tls_config_free(cfg) }
                try NngError.check(
                    nng_dialer_set_ptr(dialer, NNG_OPT_TLS_CONFIG, UnsafeMutableRawPointer(cfg)),
                    "nng_dialer_set_ptr(tls)")
            }
            // Non-blocking: a synchronous dial to a server that is down fails and drops the dialer.
            try NngError.check(nng_dialer_start(dialer, Int32(NNG_FLAG_NONBLOCK)), "nng_dialer_start(\(url))")
        } catch {
            close()
            throw error
        }
    }

    /// Sends `request` and waits for its reply.
    /// - Parameters:
    ///   - request: the message body.
    ///   - timeout: deadline for the whole exchange; defaults to ``RequestClientOptions/timeout``.
    ///   - resend: overrides the resend time for this call (`.some(nil)` disables resend,
    ///     which suits long polls).
    /// - Returns: the reply body.
    /// - Throws: ``TransportError/messageTooLarge(size:limit:)`` before sending anything
    ///   when `request` exceeds `maxRequestBytes`; ``NngError`` on timeout (`isTimeout`),
    ///   a dropped connection without resend (`isConnectionReset`), cancellation or close.
    public func request(
        _ request: [UInt8], maxRequestBytes: Int? = nil, timeout: Duration? = nil, resend: Duration?? = nil
    ) async throws -> [UInt8] {
        if let limit = maxRequestBytes, request.count > limit {
            throw TransportError.messageTooLarge(size: request.count, limit: limit)
        }
        guard !closed.withLock({ $0 }) else { throw TransportError.closed }
        let deadline = ContinuousClock.now.advanced(by: timeout ?? options.timeout)
        var ctx = nng_ctx()
        try NngError.check(nng_ctx_open(&ctx, socket), "nng_ctx_open")
        defer { nng_ctx_close(ctx) }
        if let resend {
            let ms = resend?.nngMilliseconds ?? Int32(NNG_DURATION_INFINITE)
            NngError.mustSucceed(nng_ctx_set_ms(ctx, NNG_OPT_REQ_RESENDTIME, ms), "nng_ctx_set_ms(resend)")
        }
        var msg: OpaquePointer?
        try NngError.check(nng_msg_alloc(&msg, request.count), "nng_msg_alloc")
        guard let msg else { preconditionFailure("nng_msg_alloc returned no message") }
        if !request.isEmpty {
            request.withUnsafeBytes { nng_msg_body(msg).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        let operation: RequestOperation
        do {
            operation = try RequestOperation(ctx: ctx, deadline: deadline)
        } catch {
            nng_msg_free(msg)
            throw error
        }
        defer { operation.release() }
        inFlight.add(1, ordering: .releasing)
        defer { inFlight.subtract(1, ordering: .releasing) }
        return try await operation.run(sending: msg)
    }

    /// Closes the socket: calls in flight fail with a closed ``NngError``. Idempotent.
    ///
    /// Call it after the last call has returned: NNG 1.5.2's `nng_close` can block for
    /// good while a reply (say, to a resent copy of a slow request) is still arriving.
    public func close() {
        let first = closed.withLock { wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }
        guard first else { return }
        pipeSource.unregister(from: socket)
        nng_close(socket)
    }

    /// Never closes (see the type's documentation): an unclosed socket is kept open.
    deinit {
        guard !closed.withLock({ $0 }) else { return }
        UnclosedSockets.keep([pipeSource], owner: "RequestClient", url: url)
    }
}
