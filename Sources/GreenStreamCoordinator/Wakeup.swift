import Synchronization

/// Wakes held `LeaseJob` polls when a job may have become claimable (created, retried, backoff over).
/// A waiter passes the generation it saw before it last looked for work, so a signal between that
/// look and the wait is never lost.
final class Wakeup: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Timers that fired before their waiter registered.
        var expired: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// The current generation; read it before looking for work.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    func signal() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a signal came after `generation`, or `timeout` passed.
    func wait(after generation: UInt64, timeout: Duration) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID &+= 1
            return s.nextID
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.resume(id)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.generation != generation || s.expired.remove(id) != nil { return true }
                s.waiters[id] = c
                return false
            }
            if now { c.resume() }
        }
        timer.cancel()
        state.withLock { _ = $0.expired.remove(id) }
    }

    private func resume(_ id: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let waiter = s.waiters.removeValue(forKey: id) else {
                s.expired.insert(id)
                return nil
            }
            return waiter
        }
        waiter?.resume()
    }
}
