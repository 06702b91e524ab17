import CNNG
import Synchronization

/// One request/reply exchange on its own REQ context: send, then (from the send's
/// completion, never earlier, to avoid NNG #1702) receive.
///
/// The callback resumes the caller's continuation and returns; freeing the aio and
/// closing the context happen on the caller's task afterwards.
final class RequestOperation: @unchecked Sendable {
    private enum Phase {
        case idle, sending, receiving, done
    }

    private struct State {
        var phase = Phase.idle
        var cancelled = false
        var continuation: CheckedContinuation<[UInt8], any Error>?
    }

    private let ctx: nng_ctx
    private var aio: OpaquePointer?
    private let deadline: ContinuousClock.Instant
    private let state = Mutex(State())

    init(ctx: nng_ctx, deadline: ContinuousClock.Instant) throws {
        self.ctx = ctx
        self.deadline = deadline
        var aio: OpaquePointer?
        try NngError.check(
            nng_aio_alloc(&aio, requestOperationCallback, Unmanaged.passUnretained(self).toOpaque()), "nng_aio_alloc")
        self.aio = aio
    }

    /// Sends `msg` (ownership passes to NNG on success) and waits for the reply.
    func run(sending msg: OpaquePointer) async throws -> [UInt8] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let start = state.withLock { s -> Bool in
                    s.continuation = continuation
                    guard !s.cancelled else { return false }
                    s.phase = .sending
                    return true
                }
                guard start else {
                    nng_msg_free(msg)
                    finish(.failure(NngError(code: Int32(NNG_ECANCELED.rawValue), operation: "request")))
                    return
                }
                nng_aio_set_timeout(aio, remainingMilliseconds())
                nng_aio_set_msg(aio, msg)
                nng_ctx_send(ctx, aio)
            }
        } onCancel: {
            // nng_aio_cancel never blocks; the callback then reports NNG_ECANCELED.
            let active = state.withLock { s -> Bool in
                s.cancelled = true
                return s.phase == .sending || s.phase == .receiving
            }
            if active { nng_aio_cancel(aio) }
        }
    }

    /// Frees the aio; call after ``run(sending:)`` returned (the callback is done or finishing).
    func release() {
        guard let aio else { return }
        nng_aio_stop(aio)
        if let msg = nng_aio_get_msg(aio) {
            nng_aio_set_msg(aio, nil)
            nng_msg_free(msg)
        }
        nng_aio_free(aio)
        self.aio = nil
    }

    fileprivate func completed() {
        let rv = nng_aio_result(aio)
        let phase = state.withLock { $0.phase }
        switch phase {
        case .sending:
            guard rv == 0 else {
                if let msg = nng_aio_get_msg(aio) {
                    nng_aio_set_msg(aio, nil)
                    nng_msg_free(msg)
                }
                finish(.failure(NngError(code: rv, operation: "nng_ctx_send")))
                return
            }
            let proceed = state.withLock { s -> Bool in
                guard !s.cancelled else { return false }
                s.phase = .receiving
                return true
            }
            guard proceed else {
                finish(.failure(NngError(code: Int32(NNG_ECANCELED.rawValue), operation: "request")))
                return
            }
            nng_aio_set_timeout(aio, remainingMilliseconds())
            nng_ctx_recv(ctx, aio)
        case .receiving:
            guard rv == 0, let msg = nng_aio_get_msg(aio) else {
                finish(.failure(NngError(code: rv, operation: "nng_ctx_recv")))
                return
            }
            nng_aio_set_msg(aio, nil)
            let bytes = Array(UnsafeRawBufferPointer(start: nng_msg_body(msg), count: nng_msg_len(msg)))
            nng_msg_free(msg)
            finish(.success(bytes))
        case .idle, .done:
            break
        }
    }

    private func finish(_ result: Result<[UInt8], any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<[UInt8], any Error>? in
            s.phase = .done
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(with: result)
    }

    private func remainingMilliseconds() -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        return left <= .zero ? 1 : left.nngMilliseconds
    }
}

private let requestOperationCallback: @convention(c) (UnsafeMutableRawPointer?) -> Void = { arg in
    guard let arg else { return }
    Unmanaged<RequestOperation>.fromOpaque(arg).takeUnretainedValue().completed()
}
