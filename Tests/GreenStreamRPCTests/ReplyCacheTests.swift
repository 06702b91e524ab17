import Testing

@testable import GreenStreamRPC
import GreenStreamTesting

@Suite("ReplyCache: idempotent answers to resent requests")
struct ReplyCacheTests {
    @Test("A duplicate that arrives while the first copy runs shares its result")
    func inFlightDuplicateShares() async throws {
        let cache = ReplyCache<String>(maxEntries: 10, maxBytes: 1 << 20)
        let runs = Shared(0)
        let gate = Mailbox<Void>()
        // Not remembered: a duplicate arriving after the first copy finished would run
        // again, so sharing can only come from joining the running copy.
        let first = Task {
            await cache.reply(for: "k") {
                runs.withLock { $0 += 1 }
                _ = await gate.take(timeout: nil)
                return ([1, 2, 3], false)
            }
        }
        try await eventually("the first copy to run") { runs.withLock { $0 } == 1 }
        let second = Task {
            await cache.reply(for: "k") {
                runs.withLock { $0 += 1 }
                return ([9], true)
            }
        }
        try await eventually("the duplicate to join the running copy") { cache.repeats == 1 }
        gate.post(())
        let (a, b) = await (first.value, second.value)
        #expect(a.bytes == [1, 2, 3] && !a.repeated)
        #expect(b.bytes == [1, 2, 3] && b.repeated)
        #expect(runs.withLock { $0 } == 1)
        #expect(cache.count == 0, "the shared reply was not remembered")
    }

    @Test("A transient reply is not remembered, so a retry runs again")
    func transientRepliesAreForgotten() async {
        let cache = ReplyCache<String>(maxEntries: 10, maxBytes: 1 << 20)
        _ = await cache.reply(for: "k") { ([0], false) }
        let again = await cache.reply(for: "k") { ([1], true) }
        #expect(again.bytes == [1] && !again.repeated)
        #expect(await cache.reply(for: "k") { ([2], true) }.bytes == [1])
        #expect(cache.count == 1)
    }

    @Test("Oldest replies are evicted beyond the entry and byte budgets")
    func evictsOldestFirst() async {
        let cache = ReplyCache<String>(maxEntries: 2, maxBytes: 10)
        for key in ["a", "b", "c"] { _ = await cache.reply(for: key) { ([1], true) } }
        #expect(cache.count == 2)
        #expect(await cache.reply(for: "a") { ([7], true) }.bytes == [7], "a was evicted and runs again")
        #expect(await cache.reply(for: "c") { ([8], true) }.repeated)
        _ = await cache.reply(for: "big") { ([UInt8](repeating: 0, count: 10), true) }
        #expect(cache.count == 1, "the 10-byte reply pushes the others out of the 10-byte budget")
    }
}
