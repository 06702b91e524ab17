import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// The store's async API runs blocking libpq work on the pool's own threads, never on Swift's
/// cooperative threads (one per core).
@Suite struct StoreThreadPoolTests {
    @Test func asyncCallsRunOnTheStoreThreadsAndReturnTheirResults() async throws {
        let db = try TestDatabase(migrate: false, maxConnections: 2)
        let pool = db.pool
        let (onStoreThread, answer) = try await pool.withConnection { c in
            (pool.threads.ownsCurrentThread, try c.query("SELECT 6 * 7 AS a").row(0).int("a"))
        }
        #expect(onStoreThread)
        #expect(!pool.threads.ownsCurrentThread)
        #expect(answer == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await db.pool.withTransaction { _ in throw Boom() } }
    }

    @Test("work never queues behind blocked work while the pool may start a thread", .timeLimit(.minutes(1)))
    func aBurstOfBlockingWorkStartsThreadsInsteadOfQueueing() async throws {
        let blocked = 6
        let pool = StoreThreadPool(threadCount: blocked + 1, name: "test")
        defer { pool.shutdown() }
        try await pool.run {}  // one started thread, now idle: the case that used to queue work behind it
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let waiters = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<blocked {
                    group.addTask {
                        try await pool.run {
                            started.signal()
                            gate.wait()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // Every blocked item got a thread of its own (none waits behind another) ... The wait
        // is bounded only so that a regression fails instead of hanging the suite.
        let allStarted = await Task.detached {
            (0..<blocked).allSatisfy { _ in started.wait(timeout: .now() + 60) == .success }
        }.value
        #expect(allStarted, "a blocked item waited in the queue behind another")
        // ... and one more item still runs while they block.
        if allStarted { #expect(try await pool.run { 42 } == 42) }
        for _ in 0..<blocked { gate.signal() }
        try await waiters.value
    }

    @Test("store calls blocked on the server leave the cooperative threads free", .timeLimit(.minutes(2)))
    func blockedStoreCallsDoNotStallOtherTasks() async throws {
        // More blocked calls than this machine has cores: run on the cooperative pool, they
        // would occupy every one of its threads and the task that releases them could never run.
        let blocked = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
        let db = try TestDatabase(migrate: false, maxConnections: blocked + 1)
        let key = Int64.random(in: 1...Int64.max)  // positive: classid and objid are its two halves
        let holder = try PostgresConnection.connect(url: db.url)
        try holder.query("SELECT pg_advisory_lock($1)", [.int(key)])

        let waiters = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<blocked {
                    group.addTask {
                        try await db.pool.withConnection { c in
                            try c.query("SELECT pg_advisory_lock_shared($1)", [.int(key)])
                            try c.query("SELECT pg_advisory_unlock_shared($1)", [.int(key)])
                            return 1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        // Wait, from a task, until the server sees every call waiting on the lock.
        @Sendable func waiting() async throws -> Int64 {
            try await db.pool.withConnection { c in
                try c.query(
                    """
                    SELECT count(*) AS n FROM pg_locks
                    WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = $1
                    """, [.int(key)]
                ).row(0).int("n")
            }
        }
        while try await waiting() < Int64(blocked) { try await Task.sleep(for: .milliseconds(10)) }
        // Plain tasks still get cooperative threads while all those calls block.
        let sum = await withTaskGroup(of: Int.self) { group in
            for i in 1...64 { group.addTask { await Task.yield(); return i } }
            return await group.reduce(0, +)
        }
        #expect(sum == 64 * 65 / 2)
        try holder.query("SELECT pg_advisory_unlock($1)", [.int(key)])
        #expect(try await waiters.value == blocked)
    }

    @Test("async commits run in the pool's bulk lane, which leaves threads and connections for short calls")
    func asyncCommitsRunInTheBulkLane() async throws {
        let db = try TestDatabase(maxConnections: 4)
        let pool = db.pool
        #expect(pool.bulkThreads.threadCount < pool.maxConnections)
        #expect(pool.bulkThreads.niceIncrement > 0)
        let lanes = ThreadFlags()
        let hot = HotStore(pool: pool) { _, _ in
            lanes.record(bulk: pool.bulkThreads.ownsCurrentThread, short: pool.threads.ownsCurrentThread)
        }
        _ = try await db.jobs.jobCreate(JobCreateParams(fileName: "a.csv", sha256: TestDatabase.sha("a"), sizeBytes: 1))
        let job = try #require(try await db.jobs.jobClaimNext(workerID: "w"))
        let batch = makeBatch(meters: 1...3, slots: 0..<8) { m, s in Double(m) * Double(s) }
        let result = try await hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        guard case .committed = result else {
            Issue.record("expected a commit, got \(result)")
            return
        }
        #expect(lanes.all == [ThreadFlags.Seen(bulk: true, short: false)])
    }

    @Test("R-J-3 the async job store API drives a job from claim to success")
    func asyncJobStoreAndHotStoreEntryPoints() async throws {
        let db = try TestDatabase()
        let created = try await db.jobs.jobCreate(
            JobCreateParams(fileName: "a.csv", sha256: TestDatabase.sha("a"), sizeBytes: 1))
        #expect(created.created)
        let job = try #require(try await db.jobs.jobClaimNext(workerID: "w1"))
        #expect(try await db.jobs.workerHeartbeat(workerID: "w1", leases: [job.lease]).isEmpty)
        #expect(try await db.jobs.workerList().map(\.runningAttempts) == [[job.lease]])
        let result = try await db.hot.commit(HotCommitParams(lease: job.lease, readings: .init()))
        guard case .committed = result else {
            Issue.record("expected a commit, got \(result)")
            return
        }
        #expect(try await db.jobs.jobShow(id: job.id)?.job.state == .succeeded)
        #expect(try await db.jobs.jobCountsByState()[.succeeded] == 1)
        #expect(try await db.jobs.jobList().jobs.map(\.id) == [job.id])
        #expect(try await db.jobs.jobRescueLost().isEmpty)
        #expect(try await db.hot.gridTimeZone() == "UTC")
    }
}

/// Which lane the test seam ran on, per call.
private final class ThreadFlags: @unchecked Sendable {
    struct Seen: Equatable {
        var bulk: Bool
        var short: Bool
    }
    private let lock = NSLock()
    private var seen: [Seen] = []
    var all: [Seen] { lock.withLock { seen } }
    func record(bulk: Bool, short: Bool) { lock.withLock { seen.append(Seen(bulk: bulk, short: short)) } }
}
