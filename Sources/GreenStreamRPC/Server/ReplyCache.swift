import Synchronization

/// Remembers the reply to each request so NNG's resends (and clients retrying with
/// the same request id) get the same answer without running the call again.
///
/// A duplicate that arrives while the first copy is still being handled waits for
/// the same task. Entries are evicted oldest first beyond a count and a byte budget.
/// Replies marked not remembered (transient errors such as `UNAVAILABLE`) are
/// forgotten once sent, so a retry with the same id runs the call again.
///
/// The server keys it by ``ReplyCacheKey`` (client, call, request id).
final class ReplyCache<Key: Hashable & Sendable>: Sendable {
    typealias Computed = (bytes: [UInt8], remember: Bool)

    private final class Slot: Sendable {
        let task: Task<Computed, Never>
        let sequence: Int
        init(_ task: Task<Computed, Never>, sequence: Int) {
            self.task = task
            self.sequence = sequence
        }
    }

    private struct State {
        var slots: [Key: Slot] = [:]
        /// Sizes of completed, remembered replies; a slot without a size is in flight.
        var sizes: [Key: Int] = [:]
        /// Insertion order; entries whose slot was replaced or forgotten are skipped.
        var order: [(key: Key, sequence: Int)] = []
        /// Requests answered from an earlier copy (in flight or remembered).
        var repeats = 0
        var head = 0
        var nextSequence = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    private let maxEntries: Int
    private let maxBytes: Int

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The reply for `key`: the remembered one, or `compute()`'s (remembered if it says so).
    /// - Returns: the reply and whether it was a repeat.
    func reply(for key: Key, compute: @escaping @Sendable () async -> Computed) async -> (
        bytes: [UInt8], repeated: Bool
    ) {
        let (slot, repeated) = state.withLock { s -> (Slot, Bool) in
            if let slot = s.slots[key] {
                s.repeats += 1
                return (slot, true)
            }
            let slot = Slot(Task { await compute() }, sequence: s.nextSequence)
            s.nextSequence += 1
            s.slots[key] = slot
            s.order.append((key, slot.sequence))
            return (slot, false)
        }
        // Cancellation comes only from server shutdown, so it may end the shared task.
        let result = await withTaskCancellationHandler {
            await slot.task.value
        } onCancel: {
            slot.task.cancel()
        }
        if !repeated { settle(key, slot: slot, size: result.remember ? result.bytes.count : nil) }
        return (result.bytes, repeated)
    }

    /// Number of remembered or in-flight replies.
    var count: Int { state.withLock { $0.slots.count } }

    /// Requests that found an earlier copy (tests wait on it to know a duplicate joined).
    var repeats: Int { state.withLock { $0.repeats } }

    /// Records a finished reply (`size`) or forgets it (`nil`), then evicts.
    private func settle(_ key: Key, slot: Slot, size: Int?) {
        state.withLock { s in
            guard s.slots[key] === slot else { return }
            if let size {
                s.sizes[key] = size
                s.bytes += size
            } else {
                s.slots[key] = nil
            }
            while s.head < s.order.count {
                let (oldest, sequence) = s.order[s.head]
                if let live = s.slots[oldest], live.sequence == sequence {
                    guard s.slots.count > maxEntries || s.bytes > maxBytes else { break }
                    guard let oldSize = s.sizes[oldest] else { break }  // still in flight: keep it
                    s.slots[oldest] = nil
                    s.sizes[oldest] = nil
                    s.bytes -= oldSize
                }
                s.head += 1
            }
            if s.head > 1024, s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }
}

/// Whose reply a remembered reply is: two clients that happen to use the same request
/// id never get each other's replies, and one id reused for another call runs it.
///
/// The client is the `client_id` of the request header when it has one: it survives
/// reconnects, so NNG's resend after a reconnect (new pipe) and a client's own retry
/// still find the reply. A request without a client id is keyed by its connection
/// (NNG pipe) instead, which keeps anonymous clients apart but cannot recognise a
/// resend that arrives on a new connection (docs/DECISIONS.md, RPC).
struct ReplyCacheKey: Hashable, Sendable {
    var clientID: String
    /// The pipe, only for requests without a client id.
    var pipeID: UInt32?
    var call: String
    var requestID: String

    init(header: RequestHeader, pipeID: UInt32, call: String) {
        clientID = header.clientID
        self.pipeID = header.clientID.isEmpty ? pipeID : nil
        self.call = call
        requestID = header.requestID
    }
}
