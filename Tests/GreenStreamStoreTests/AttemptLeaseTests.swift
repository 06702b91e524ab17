import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// Leases per running attempt (R-J-3, R-J-4): a worker may run several jobs, each attempt lives
/// by the heartbeats that name it, and the rescuer and a heartbeat never both win.
@Suite struct AttemptLeaseTests {
    /// A lease of one second; retries far in the future so a rescued job stays `retrying`.
    static let shortLeases = JobStoreConfiguration(
        retries: 3, retryPolicy: RetryPolicy(baseSeconds: 600, capSeconds: 600), heartbeatTimeoutSeconds: 1)

    @Test("R-J-3 one worker running three jobs keeps all three alive; the one it stops naming is rescued")
    func heartbeatsKeepEveryAttemptOfAWorkerAlive() throws {
        let timeout = Self.shortLeases.heartbeatTimeoutSeconds
        let db = try TestDatabase(configuration: Self.shortLeases, jitter: .fixed(0.5))
        let jobs = try (0..<3).map { try db.makeRunningJob("job\($0).csv", worker: "w1") }
        let leases = jobs.map(\.lease)
        #expect(try db.jobs.workerList().first?.runningAttempts == leases)

        // The worker's cadence is a fifth of the timeout; the rescuer runs right after each
        // heartbeat. Time is the server's clock, which is what leases are measured by.
        let cadence = timeout / 5
        var rescued: [JobLease] = []
        let start = try db.serverNow()
        while try db.serverNow() < start + 3 * timeout {
            #expect(try db.jobs.workerHeartbeat(workerID: "w1", leases: leases).isEmpty)
            rescued += try db.jobs.jobRescueLost().map(\.lease)
            Thread.sleep(forTimeInterval: cadence)
        }
        #expect(rescued.isEmpty, "no attempt of a worker that names all three may be rescued")
        #expect(try db.int("SELECT count(*) FROM jobs WHERE state = 'running'") == 3)

        // Stop naming the first one: it alone is rescued once its lease runs out.
        let named = Array(leases.dropFirst())
        let gotRescued = try waitUntil {
            #expect(try db.jobs.workerHeartbeat(workerID: "w1", leases: named).isEmpty)
            rescued += try db.jobs.jobRescueLost().map(\.lease)
            if rescued.isEmpty { Thread.sleep(forTimeInterval: cadence) }
            return !rescued.isEmpty
        }
        #expect(gotRescued)
        #expect(rescued == [leases[0]])
        let first = try #require(try db.jobs.jobShow(id: jobs[0].id))
        #expect(first.job.state == .retrying && first.job.lastError == "worker_lost")
        #expect(first.attempts.map(\.outcome) == ["failed"])
        for job in jobs.dropFirst() { #expect(try db.jobs.jobShow(id: job.id)?.job.state == .running) }
        // The worker learns from its next heartbeat that the first attempt is no longer its.
        #expect(try db.jobs.workerHeartbeat(workerID: "w1", leases: leases) == [leases[0]])
        #expect(try db.jobs.workerList().first?.runningAttempts == named)
    }

    @Test("R-J-4 a heartbeat extends only the worker's current attempts and names the others")
    func heartbeatReportsAttemptsThatAreNoLongerCurrent() throws {
        let db = try TestDatabase(configuration: JobStoreTests.instantRetries)
        let mine = try db.makeRunningJob("mine.csv", worker: "w1")
        let theirs = try db.makeRunningJob("theirs.csv", worker: "w2")
        let ended = try db.makeRunningJob("ended.csv", worker: "w1")
        _ = try db.jobs.jobRecordFailure(ended.lease, error: "boom", kind: .retryable)
        let newer = try #require(try db.jobs.jobClaimNext(workerID: "w1"))
        #expect(newer.id == ended.id && newer.attempt == 2)
        let leaseOf = { (id: Int64) in
            try db.scalar("SELECT expires_at::text FROM attempt_leases WHERE job_id = $1", [.int(id)])
        }
        let theirsBefore = try leaseOf(theirs.id)
        let unknown = JobLease(jobID: 987_654, attempt: 1)
        let stale = try db.jobs.workerHeartbeat(
            workerID: "w1", leases: [mine.lease, theirs.lease, ended.lease, newer.lease, unknown])
        #expect(stale == [theirs.lease, ended.lease, unknown].sorted { $0.jobID < $1.jobID })
        #expect(try leaseOf(theirs.id) == theirsBefore, "another worker's lease is not extended")
        let listed = Dictionary(uniqueKeysWithValues: try db.jobs.workerList().map { ($0.id, $0.runningAttempts) })
        #expect(listed == ["w1": [mine.lease, newer.lease], "w2": [theirs.lease]])
    }

    @Test("R-J-3 a heartbeat in flight when the rescuer looks saves the attempt: they cannot race")
    func theRescuerWaitsForAHeartbeatHoldingTheLease() throws {
        let config = JobStoreConfiguration(retries: 3, heartbeatTimeoutSeconds: 0.2)
        let db = try TestDatabase(configuration: config)
        let job = try db.makeRunningJob("f.csv", worker: "w1")
        #expect(try waitUntil { try db.int("SELECT count(*) FROM attempt_leases WHERE expires_at < now()") == 1 })

        // The store's own heartbeat statement, left uncommitted on a connection of its own.
        let heartbeat = try PostgresConnection.connect(url: db.url)
        try heartbeat.execute(unsafeSQL: "BEGIN")
        let stale = try heartbeat.query(
            JobStore.heartbeatSQL,
            [.text("w1"), .int64Array([job.id]), .int64Array([Int64(job.attempt)]), .double(60)])
        #expect(stale.isEmpty)

        // The rescuer, on a pool whose connections are named so the test can see it wait.
        let name = "rescuer_" + db.schema
        let rescuerPool = ConnectionPool(
            url: TestDatabase.url(db.baseURL, searchPath: db.schema, applicationName: name), maxConnections: 1)
        let rescuer = JobStore(pool: rescuerPool, configuration: config)
        let rescue = BackgroundCall { try rescuer.jobRescueLost().map(\.lease) }
        #expect(
            try waitUntil {
                try db.int(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                    [.text(name)]) == 1
            }, "the rescuer waits on the lease row the heartbeat holds")
        try heartbeat.execute(unsafeSQL: "COMMIT")
        #expect(try rescue.value().isEmpty, "the extended lease is no longer expired when the rescuer re-reads it")
        #expect(try db.jobs.jobShow(id: job.id)?.job.state == .running)
    }

    @Test("R-H-3 R-J-3 a heartbeat during a commit neither waits for it nor makes it re-run")
    func aHeartbeatDuringACommitDoesNotDisturbIt() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("f.csv", worker: "w1")
        let jobs = db.jobs
        let answers = HeartbeatAnswers()
        // The test seam runs inside the commit's transaction, after its first COPY chunk: a
        // heartbeat there (on another pooled connection) would deadlock if it waited for the
        // commit's lease lock, and would make the commit fail to serialise if it changed the row.
        let hot = HotStore(pool: db.pool) { _, _ in
            if answers.isEmpty { answers.append(try jobs.workerHeartbeat(workerID: "w1", leases: [job.lease])) }
        }
        let batch = makeBatch(meters: 1...20, slots: 0..<96) { m, s in Double(m) + Double(s) / 4 }
        let result = try hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        guard case .committed(let stats) = result else {
            Issue.record("expected a commit, got \(result)")
            return
        }
        #expect(stats.transactionRuns == 1, "the heartbeat must not force the commit to run again")
        #expect(answers.all == [[]], "the attempt was still current while the commit ran")
        #expect(try jobs.workerHeartbeat(workerID: "w1", leases: [job.lease]) == [job.lease])
        #expect(try db.int("SELECT count(*) FROM attempt_leases") == 0)
    }

    @Test("R-J-3 a store migrated from version 2 keeps its running attempts alive")
    func migrationCarriesRunningAttemptsIntoLeases() throws {
        let db = try TestDatabase(migrate: false)
        let all = try Migrator()
        try db.pool.withConnection { c in
            try Migrator(migrations: all.migrations.filter { $0.version <= 2 }).migrate(c)
            try c.query(
                """
                INSERT INTO jobs (file_name, sha256, size_bytes, state, attempt, worker_id, lease_expires_at)
                VALUES ('a.csv', sha256('a'), 1, 'running', 1, 'w1', now() + interval '1 hour'),
                       ('b.csv', sha256('b'), 1, 'pending', 0, NULL, NULL)
                """)
            try c.query(
                "INSERT INTO job_attempts (job_id, attempt, worker_id) SELECT id, 1, 'w1' FROM jobs WHERE attempt = 1")
            try c.query(
                """
                INSERT INTO workers (id, current_job_id, current_attempt)
                SELECT 'w1', id, 1 FROM jobs WHERE attempt = 1
                """)
            #expect(try all.migrate(c).contains(3))
        }
        let running = try #require(try db.jobs.jobList(state: .running).jobs.first)
        #expect(try db.jobs.workerList().map(\.runningAttempts) == [[running.lease]])
        #expect(try #require(running.leaseExpiresAt) > Date().addingTimeInterval(60))
        #expect(try db.jobs.jobRescueLost().isEmpty)
        #expect(try db.jobs.workerHeartbeat(workerID: "w1", leases: [running.lease]).isEmpty)
    }
}

/// Heartbeat answers collected inside a commit's test seam.
private final class HeartbeatAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [[JobLease]] = []
    var isEmpty: Bool { lock.withLock { answers.isEmpty } }
    var all: [[JobLease]] { lock.withLock { answers } }
    func append(_ answer: [JobLease]) { lock.withLock { answers.append(answer) } }
}
