import CNNG
import Synchronization

/// An asynchronous NNG REP server: one socket, one listener, a fixed pool of
/// contexts. Each context holds one request from receipt until its handler's reply
/// is sent, so a handler that waits (a long poll) holds one context; the rest keep
/// serving. When every context is busy NNG stops reading (TCP backpressure): size
/// ``ReplyServerOptions/contexts`` above the application's bound on held requests.
///
/// Call ``close()`` when done; it shuts down in NNG's required order. `deinit` never
/// closes (`nng_close` can hang in NNG 1.5.2): a server dropped without ``close()``
/// keeps serving with its socket open and says so on standard error.
public final class ReplyServer: @unchecked Sendable {
    /// The URL the server listens on, with the port filled in when the caller gave 0.
    public private(set) var url: String
    /// Connections joining and leaving. One stream per server: give it a single consumer.
    public var pipeEvents: AsyncStream<PipeEvent> { pipeSource.events }

    private var socket = nng_socket()
    private var listener = nng_listener()
    private var contexts: [ReplyContext] = []
    private let pipeSource = PipeEventSource()
    private let closed = Mutex(false)
    private let counters = ReplyCounters()

    /// Requests received so far (resent copies included).
    public var requestsReceived: Int { counters.received.load(ordering: .acquiring) }
    /// Replies whose send has finished so far, delivered or dropped (a peer that left).
    /// Equal to ``requestsReceived`` when no request is being handled or answered.
    public var repliesFinished: Int { counters.answered.load(ordering: .acquiring) }

    /// Opens the socket, arms every context and starts listening.
    /// - Parameters:
    ///   - url: `ipc:///path`, `tcp://127.0.0.1:0` (port 0 picks a free port) or `tls+tcp://host:port`.
    ///   - options: limits and TLS.
    ///   - handler: produces each reply; see ``ServerHandler``.
    /// - Throws: ``NngError`` when the socket cannot be opened or the address not bound,
    ///   ``TransportError`` for TLS problems.
    public init(listeningOn url: String, options: ReplyServerOptions = .init(), handler: @escaping ServerHandler) throws
    {
        self.url = url
        let rv = nng_rep0_open(&socket)
        guard rv == 0 else {
            closed.withLock { $0 = true }  // nothing was opened: nothing for deinit to keep
            throw NngError(code: rv, operation: "nng_rep0_open")
        }
        do {
            pipeSource.register(on: socket)
            for _ in 0..<options.contexts {
                let context = try ReplyContext(
                    socket: socket, sendTimeout: options.sendTimeout, counters: counters, handler: handler)
                contexts.append(context)
            }
            contexts.forEach { $0.start() }
            try NngError.check(nng_listener_create(&listener, socket, url), "nng_listener_create(\(url))")
            NngError.mustSucceed(
                nng_listener_set_size(listener, NNG_OPT_RECVMAXSZ, options.maxMessageBytes), "nng_listener_set_size")
            if url.hasPrefix("tls+") {
                guard let tls = options.tls else { throw TransportError.tlsConfigurationMissing(url: url) }
                let cfg = try tls.makeConfig(server: true)
                defer { nng_tls_config_free(cfg) }
                try NngError.check(
                    nng_listener_set_ptr(listener, NNG_OPT_TLS_CONFIG, UnsafeMutableRawPointer(cfg)),
                    "nng_listener_set_ptr(tls)")
            }
            try NngError.check(nng_listener_start(listener, 0), "nng_listener_start(\(url))")
            self.url = Self.boundURL(url, listener: listener)
        } catch {
            close()
            throw error
        }
    }

    /// Stops serving: no new requests are read, replies still being computed are
    /// dropped, every NNG resource is released. Idempotent.
    public func close() {
        let first = closed.withLock { wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }
        if first { shutdown() }
    }

    /// Never closes (see the type's documentation): an unclosed server is kept open.
    deinit {
        guard !closed.withLock({ $0 }) else { return }
        UnclosedSockets.keep(contexts + [pipeSource], owner: "ReplyServer", url: url)
    }

    private func shutdown() {
        // Order matters (notes §6): flag, wait out in-progress sends, close the socket
        // (pending operations end with NNG_ECLOSED), then stop and free every aio.
        contexts.forEach { $0.beginStopping() }
        for context in contexts {
            while !context.isQuiet { nng_msleep(1) }
        }
        pipeSource.unregister(from: socket)
        nng_close(socket)
        contexts.forEach { $0.finish() }
        contexts.removeAll()
    }

    private static func boundURL(_ url: String, listener: nng_listener) -> String {
        guard url.hasSuffix(":0") else { return url }
        var port: Int32 = 0
        guard nng_listener_get_int(listener, NNG_OPT_TCP_BOUND_PORT, &port) == 0 else { return url }
        return String(url.dropLast(1)) + String(port)
    }
}
