import NNG

/// Remembers the reply to each request id so NNG's resends (and clients retrying
/// with the same id) get the same answer without running the call again.
///
/// A duplicate that arrives while the first copy is still being handled waits for
/// the same task. Entries are evicted oldest first beyond a count and a byte budget.
final class ReplyCache: Sendable {
    private final class Slot: Sendable {
        let task: Task<[UInt8], Never>
        init(_ task: Task<[UInt8], Never>) { self.task = task }
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var sizes: [String: Int] = [:]
        var order: [String] = []
        var head = 0
        var bytes = 0
    }

    private let state = Locked(State())
    private let maxEntries: Int
    private let maxBytes: Int

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The reply for `requestID`: the remembered one, or `compute()`'s, remembered.
    /// - Returns: the reply and whether it was a repeat.
    func reply(for requestID: String, compute: @escaping @Sendable () async -> [UInt8]) async -> (bytes: [UInt8], repeated: Bool) {
        let (slot, repeated) = state.withLock { s -> (Slot, Bool) in
            if let slot = s.slots[requestID] { return (slot, true) }
            let slot = Slot(Task { await compute() })
            s.slots[requestID] = slot
            s.order.append(requestID)
            return (slot, false)
        }
        // Cancellation comes only from server shutdown, so it may end the shared task.
        let bytes = await withTaskCancellationHandler { await slot.task.value } onCancel: { slot.task.cancel() }
        if !repeated { remember(requestID, size: bytes.count) }
        return (bytes, repeated)
    }

    /// Number of remembered replies (for tests and stats).
    var count: Int { state.withLock { $0.slots.count } }

    private func remember(_ requestID: String, size: Int) {
        state.withLock { s in
            s.sizes[requestID] = size
            s.bytes += size
            while s.head < s.order.count, s.order.count - s.head > maxEntries || s.bytes > maxBytes {
                let oldest = s.order[s.head]
                guard let oldSize = s.sizes[oldest] else { break }  // still in flight: keep it
                s.head += 1
                s.slots[oldest] = nil
                s.sizes[oldest] = nil
                s.bytes -= oldSize
            }
            if s.head > 1024, s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }
}
