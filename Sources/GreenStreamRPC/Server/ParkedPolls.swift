import Synchronization

/// The `LeaseJob` calls an ``RPCServer`` holds now, bounded by
/// ``RPCServerOptions/maxParkedPolls`` so contexts stay free for heartbeats and results.
final class ParkedPolls: Sendable {
    private let count = Mutex(0)
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot; `false` when all are taken (the poll is answered at once).
    func park() -> Bool {
        count.withLock { n in
            guard n < limit else { return false }
            n += 1
            return true
        }
    }

    /// Gives back a slot taken by ``park()``.
    func release() {
        count.withLock { $0 -= 1 }
    }

    var current: Int { count.withLock { $0 } }
}
