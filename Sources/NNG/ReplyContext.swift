import CNNG
import Synchronization

/// One REP context and its aio: receive → (handler task) → send → receive again.
///
/// The aio callback runs on NNG's task threads, so it only copies the request out,
/// starts the handler task and re-arms; it never waits. State changes happen under
/// `state`'s lock, NNG calls outside it.
final class ReplyContext: @unchecked Sendable {
    private enum Phase {
        case idle, receiving, handling, sending, stopped
    }

    private struct State {
        var phase = Phase.idle
        /// True while a task is inside an NNG call on this context; shutdown waits
        /// for it so the aio is never freed under a caller.
        var inCall = false
        var stopping = false
        /// The handler of the request held now, cancelled at shutdown so long polls end.
        var handlerTask: Task<Void, Never>?
    }

    private let ctx: nng_ctx
    private var aio: OpaquePointer?
    private let state = Mutex(State())
    private let handler: ServerHandler
    private let sendTimeout: Int32
    private let counters: ReplyCounters

    init(socket: nng_socket, sendTimeout: Duration, counters: ReplyCounters, handler: @escaping ServerHandler) throws {
        var ctx = nng_ctx()
        try NngError.check(nng_ctx_open(&ctx, socket), "nng_ctx_open")
        self.ctx = ctx
        self.handler = handler
        self.counters = counters
        self.sendTimeout = sendTimeout.nngMilliseconds
        var aio: OpaquePointer?
        let arg = Unmanaged.passUnretained(self).toOpaque()
        try NngError.check(nng_aio_alloc(&aio, replyContextCallback, arg), "nng_aio_alloc")
        self.aio = aio
    }

    /// Arms the first receive.
    func start() {
        state.withLock { $0.phase = .receiving }
        armReceive()
    }

    /// Receives wait as long as it takes; only sends have a deadline.
    private func armReceive() {
        nng_aio_set_timeout(aio, Int32(NNG_DURATION_INFINITE))
        nng_ctx_recv(ctx, aio)
    }

    fileprivate func completed() {
        let rv = nng_aio_result(aio)
        let phase = state.withLock { s -> Phase in
            if s.stopping { s.phase = .stopped }
            return s.phase
        }
        switch phase {
        case .receiving:
            guard rv == 0, let msg = nng_aio_get_msg(aio) else {
                if rv == Int32(NNG_ECLOSED.rawValue) {
                    state.withLock { $0.phase = .stopped }
                } else {
                    armReceive()
                }
                return
            }
            nng_aio_set_msg(aio, nil)
            counters.received.add(1, ordering: .releasing)
            // Not copied: a request refused on its header costs no copy of its body.
            let request = ServerRequest(
                message: ReceivedMessage(taking: msg), pipeID: UInt32(bitPattern: nng_pipe_id(nng_msg_get_pipe(msg))))
            let handler = handler
            state.withLock { s in
                s.phase = .handling
                s.handlerTask = Task { [self] in
                    let reply = await handler(request)
                    self.send(reply)
                }
            }
        case .sending:
            if rv != 0, let msg = nng_aio_get_msg(aio) {
                // A failed send leaves the message with us; a dropped peer is not an error here.
                nng_aio_set_msg(aio, nil)
                nng_msg_free(msg)
            }
            counters.answered.add(1, ordering: .releasing)
            state.withLock { $0.phase = .receiving }
            armReceive()
        case .stopped:
            if let msg = nng_aio_get_msg(aio) {
                nng_aio_set_msg(aio, nil)
                nng_msg_free(msg)
            }
        case .idle, .handling:
            break
        }
    }

    private func send(_ reply: [UInt8]) {
        let proceed = state.withLock { s -> Bool in
            s.handlerTask = nil
            guard !s.stopping, s.phase == .handling else { return false }
            s.phase = .sending
            s.inCall = true
            return true
        }
        guard proceed else { return }
        defer { state.withLock { $0.inCall = false } }
        var msg: OpaquePointer?
        guard nng_msg_alloc(&msg, reply.count) == 0, let msg else {
            // Out of memory: give up on this request (the client times out or resends) and keep serving.
            counters.answered.add(1, ordering: .releasing)
            state.withLock { $0.phase = .receiving }
            armReceive()
            return
        }
        if !reply.isEmpty {
            reply.withUnsafeBytes { nng_msg_body(msg).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        // A peer that stops reading must not hold the context forever.
        nng_aio_set_timeout(aio, sendTimeout)
        nng_aio_set_msg(aio, msg)
        nng_ctx_send(ctx, aio)
    }

    /// First half of shutdown, before the socket closes: no new sends or re-arms.
    func beginStopping() {
        let task = state.withLock { s -> Task<Void, Never>? in
            s.stopping = true
            defer { s.handlerTask = nil }
            return s.handlerTask
        }
        task?.cancel()
    }

    /// True once no task is inside an NNG call on this context.
    var isQuiet: Bool { state.withLock { !$0.inCall } }

    /// Second half, after the socket is closed: waits for the callback, frees the aio.
    func finish() {
        guard let aio else { return }
        nng_aio_stop(aio)
        if let msg = nng_aio_get_msg(aio) {
            nng_aio_set_msg(aio, nil)
            nng_msg_free(msg)
        }
        nng_aio_free(aio)
        self.aio = nil
    }
}

private let replyContextCallback: @convention(c) (UnsafeMutableRawPointer?) -> Void = { arg in
    guard let arg else { return }
    Unmanaged<ReplyContext>.fromOpaque(arg).takeUnretainedValue().completed()
}

/// Requests received and replies finished by all contexts of one server.
final class ReplyCounters: Sendable {
    let received = Atomic(0)
    /// Replies whose send completed, delivered or not (a vanished peer, a timeout).
    let answered = Atomic(0)
}
