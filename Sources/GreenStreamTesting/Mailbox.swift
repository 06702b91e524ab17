import Synchronization

/// Hands values to waiting tasks, first come first served: how a test service holds
/// a call until the test (or a job offer) releases it, without polling.
public final class Mailbox<Value: Sendable>: Sendable {
    private struct State {
        var queued: [Value] = []
        var waiting: [(id: Int, continuation: CheckedContinuation<Value?, Never>)] = []
        /// Waits that ended (timeout, cancellation) before they were registered.
        var expired: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Gives `value` to the longest waiting task, or keeps it for the next one.
    public func post(_ value: Value) {
        let waiter = state.withLock { s -> CheckedContinuation<Value?, Never>? in
            guard !s.waiting.isEmpty else {
                s.queued.append(value)
                return nil
            }
            return s.waiting.removeFirst().continuation
        }
        waiter?.resume(returning: value)
    }

    /// The next value; `nil` once `timeout` (if any) has passed or the task is cancelled.
    public func take(timeout: Duration?) async -> Value? {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        // The wait's own deadline (a long poll's waitMs), not a test delay.
        let timer = timeout.map { t in
            Task { [self] in
                try? await Task.sleep(for: t)
                expire(id)
            }
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let now = state.withLock { s -> Value?? in
                    if !s.queued.isEmpty { return .some(s.queued.removeFirst()) }
                    if s.expired.remove(id) != nil { return .some(nil) }
                    s.waiting.append((id, continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            expire(id)
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { s -> CheckedContinuation<Value?, Never>? in
            guard let i = s.waiting.firstIndex(where: { $0.id == id }) else {
                s.expired.insert(id)
                return nil
            }
            return s.waiting.remove(at: i).continuation
        }
        waiter?.resume(returning: nil)
    }
}
