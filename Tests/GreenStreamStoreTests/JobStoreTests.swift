import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

@Suite struct JobStoreTests {
    /// Retries become due at once so tests can claim them again without sleeping.
    static let instantRetries = JobStoreConfiguration(
        retries: 3, retryPolicy: RetryPolicy(baseSeconds: 0.000_001, capSeconds: 0.000_001), heartbeatTimeoutSeconds: 5)

    @Test("R-J-1 creating a job for the same landed file twice returns the same job")
    func jobCreateIsIdempotentByNameAndHash() throws {
        let db = try TestDatabase()
        let params = JobCreateParams(fileName: "a.csv", sha256: TestDatabase.sha("a"), sizeBytes: 10)
        let first = try db.jobs.jobCreate(params)
        let again = try db.jobs.jobCreate(params)
        #expect(first.created && !again.created)
        #expect(again.job.id == first.job.id)
        #expect(first.job.state == .pending && first.job.attempt == 0 && first.job.maxAttempts == 4)
        let renamed = try db.jobs.jobCreate(
            JobCreateParams(fileName: "b.csv", sha256: TestDatabase.sha("a"), sizeBytes: 10))
        #expect(renamed.created && renamed.job.id > first.job.id && renamed.job.state == .pending)
    }

    @Test("R-J-2 a file with the SHA-256 of a succeeded job is recorded as duplicate")
    func jobCreateRecordsDuplicatesOfSucceededContent() throws {
        let db = try TestDatabase()
        let original = try db.makeRunningJob("day1.csv", sha256: TestDatabase.sha("same"))
        let committed = try db.hot.commit(HotCommitParams(lease: original.lease, readings: .init()))
        #expect(committed == .committed(HotCommitStats(inserted: 0, replaced: 0, keptNewer: 0, transactionRuns: 1)))
        let copy = try db.jobs.jobCreate(
            JobCreateParams(fileName: "day1-again.csv", sha256: TestDatabase.sha("same"), sizeBytes: 1))
        #expect(copy.created)
        #expect(copy.job.state == .duplicate)
        #expect(copy.job.duplicateOf == original.id)
        #expect(copy.job.finishedAt != nil)
        #expect(try db.jobs.jobClaimNext(workerID: "w") == nil)
    }

    @Test func jobCreateRejectsAMalformedHash() throws {
        let db = try TestDatabase()
        #expect(throws: StoreError.invalidParameter("sha256 must be 32 bytes")) {
            try db.jobs.jobCreate(JobCreateParams(fileName: "a.csv", sha256: [1, 2, 3], sizeBytes: 1))
        }
    }

    @Test("R-J-8 claiming starts the next attempt and opens its history row")
    func jobClaimNextStartsAnAttempt() throws {
        let db = try TestDatabase()
        let older = try db.jobs.jobCreate(
            JobCreateParams(fileName: "1.csv", sha256: TestDatabase.sha("1"), sizeBytes: 1)
        ).job
        _ = try db.jobs.jobCreate(JobCreateParams(fileName: "2.csv", sha256: TestDatabase.sha("2"), sizeBytes: 1))
        let claimed = try #require(try db.jobs.jobClaimNext(workerID: "worker-a"))
        #expect(claimed.id == older.id)
        #expect(claimed.state == .running && claimed.attempt == 1 && claimed.workerID == "worker-a")
        #expect(claimed.leaseExpiresAt != nil)
        let detail = try #require(try db.jobs.jobShow(id: claimed.id))
        #expect(detail.attempts.count == 1)
        #expect(detail.attempts[0].workerID == "worker-a" && detail.attempts[0].outcome == nil)
        #expect(try db.jobs.jobClaimNext(workerID: "worker-b")?.id != claimed.id)
        #expect(try db.jobs.jobClaimNext(workerID: "worker-c") == nil)
    }

    @Test("R-J-2 dispatchers claiming at once never get the same job")
    func concurrentClaimsHandOutEachJobOnce() throws {
        let db = try TestDatabase(maxConnections: 4)
        for i in 0..<24 {
            _ = try db.jobs.jobCreate(JobCreateParams(fileName: "\(i).csv", sha256: TestDatabase.sha("\(i)"), sizeBytes: 1))
        }
        let jobs = db.jobs
        let claimed = runOnThreads(4) { worker in
            var ids: [Int64] = []
            while let job = try jobs.jobClaimNext(workerID: "w\(worker)") { ids.append(job.id) }
            return ids
        }
        let all = try claimed.flatMap { try $0.get() }
        #expect(all.count == 24)
        #expect(Set(all).count == 24)
        #expect(try db.int("SELECT count(*) FROM job_attempts WHERE attempt = 1") == 24)
    }

    @Test("R-J-3 a retryable failure waits in retrying for the jittered, capped backoff")
    func jobRecordFailureSchedulesARetry() throws {
        // A fixed jitter draw makes the wait known: 0.5 × min(40, 30 · 2^0) = 15 s.
        let config = JobStoreConfiguration(retries: 3, retryPolicy: RetryPolicy(baseSeconds: 30, capSeconds: 40))
        let db = try TestDatabase(configuration: config, jitter: .fixed(0.5))
        let job = try db.makeRunningJob("f.csv")
        let outcome = try db.jobs.jobRecordFailure(job.lease, error: "worker error: boom", kind: .retryable)
        guard case .retrying(let next) = outcome else {
            Issue.record("expected retrying, got \(outcome)")
            return
        }
        // next_attempt_at and updated_at are both the failing transaction's now().
        let waited = try db.scalar(
            "SELECT extract(epoch FROM next_attempt_at - updated_at)::text FROM jobs WHERE id = $1", [.int(job.id)])
        #expect(waited.flatMap(Double.init) == 15)
        #expect(abs(next - (try db.serverNow() + 15)) < 15, "next_attempt_at is about 15 s from now")
        let shown = try #require(try db.jobs.jobShow(id: job.id))
        #expect(shown.job.state == .retrying && shown.job.lastError == "worker error: boom")
        #expect(shown.attempts.map(\.outcome) == ["failed"])
        #expect(shown.job.leaseExpiresAt == nil)
        // Not due for 15 s: the claim must respect next_attempt_at.
        #expect(try db.jobs.jobClaimNext(workerID: "w2") == nil)
    }

    @Test(arguments: [(1, 0.0, 0.0), (1, 0.999, 0.999), (3, 0.5, 2.0), (20, 1.0, 60.0), (5000, 0.25, 15.0)])
    func retryPolicyIsFullJitterUnderACappedExponential(attempt: Int, unit: Double, expected: Double) {
        let policy = RetryPolicy(baseSeconds: 1, capSeconds: 60)
        #expect(abs(policy.delay(afterAttempt: attempt, unit: unit) - expected) < 1e-9)
        #expect(policy.ceiling(afterAttempt: attempt) == min(60, pow(2, Double(min(attempt, 64) - 1))))
    }

    @Test("R-J-3 a job gets 1 + retries attempts, then is quarantined with the last error")
    func jobIsQuarantinedWhenItsBudgetIsSpent() throws {
        let db = try TestDatabase(configuration: Self.instantRetries)
        var job = try db.makeRunningJob("poison.csv")
        var outcomes: [JobFailureOutcome] = []
        for attempt in 1...4 {
            #expect(job.attempt == Int32(attempt))
            outcomes.append(try db.jobs.jobRecordFailure(job.lease, error: "worker_lost", kind: .retryable))
            if attempt < 4 { job = try #require(try db.jobs.jobClaimNext(workerID: "w\(attempt)")) }
        }
        #expect(outcomes.last == .quarantined)
        #expect(outcomes.dropLast().allSatisfy { if case .retrying = $0 { true } else { false } })
        let shown = try #require(try db.jobs.jobShow(id: job.id))
        #expect(shown.job.state == .quarantined && shown.job.lastError == "worker_lost" && shown.job.attempt == 4)
        #expect(shown.attempts.count == 4)
        #expect(try db.jobs.jobClaimNext(workerID: "w9") == nil)
    }

    @Test("R-IN-3 a permanent failure quarantines at once, without retries")
    func permanentFailureQuarantinesAtOnce() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("bad.csv")
        #expect(try db.jobs.jobRecordFailure(job.lease, error: "missing_column:unit", kind: .permanent) == .quarantined)
        let shown = try #require(try db.jobs.jobShow(id: job.id))
        #expect(shown.job.state == .quarantined && shown.job.attempt == 1 && shown.job.finishedAt != nil)
        #expect(shown.attempts.map(\.outcome) == ["permanent_failure"])
    }

    @Test("R-J-4 a failure reported for a stale attempt is fenced and changes nothing")
    func staleFailureIsFenced() throws {
        let db = try TestDatabase(configuration: Self.instantRetries)
        let first = try db.makeRunningJob("f.csv")
        _ = try db.jobs.jobRecordFailure(first.lease, error: "timeout", kind: .retryable)
        let second = try #require(try db.jobs.jobClaimNext(workerID: "w2"))
        #expect(second.attempt == 2)
        let rowBefore = try db.scalar("SELECT row(j.*)::text FROM jobs j WHERE id = $1", [.int(first.id)])
        #expect(try db.jobs.jobRecordFailure(first.lease, error: "late", kind: .permanent) == .fenced)
        #expect(try db.scalar("SELECT row(j.*)::text FROM jobs j WHERE id = $1", [.int(first.id)]) == rowBefore)
        #expect(
            try db.jobs.jobRecordFailure(JobLease(jobID: first.id, attempt: 3), error: "future", kind: .retryable)
                == .fenced)
    }

    @Test("R-J-3 the rescuer fails attempts whose worker stopped sending heartbeats")
    func jobRescueLostFailsSilentAttemptsOnly() throws {
        let config = JobStoreConfiguration(
            retries: 3, retryPolicy: RetryPolicy(baseSeconds: 1, capSeconds: 1), heartbeatTimeoutSeconds: 0.2)
        let db = try TestDatabase(configuration: config)
        let silent = try db.makeRunningJob("silent.csv", worker: "ws")
        let alive = try db.makeRunningJob("alive.csv", worker: "wa")
        #expect(try waitUntil { try db.int("SELECT count(*) FROM attempt_leases WHERE expires_at < now()") == 2 })
        #expect(try db.jobs.workerHeartbeat(workerID: "wa", leases: [alive.lease]).isEmpty)
        let rescued = try db.jobs.jobRescueLost()
        #expect(rescued.map(\.lease) == [silent.lease])
        #expect(try db.jobs.jobShow(id: silent.id)?.job.state == .retrying)
        #expect(try db.jobs.jobShow(id: silent.id)?.job.lastError == "worker_lost")
        #expect(try db.jobs.jobShow(id: alive.id)?.job.state == .running)
    }

    @Test("R-J-9 heartbeats touch the workers and lease tables, never the job row")
    func heartbeatsDoNotRewriteJobRows() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("f.csv", worker: "w1")
        let version = "SELECT xmin::text || row(j.*)::text FROM jobs j WHERE id = $1"
        let before = try db.scalar(version, [.int(job.id)])
        let leaseBefore = try #require(try db.jobs.jobShow(id: job.id)?.job.leaseExpiresAt)
        for _ in 0..<3 { #expect(try db.jobs.workerHeartbeat(workerID: "w1", leases: [job.lease]).isEmpty) }
        #expect(try db.scalar(version, [.int(job.id)]) == before)
        let leaseAfter = try #require(try db.jobs.jobShow(id: job.id)?.job.leaseExpiresAt)
        #expect(leaseAfter > leaseBefore, "the heartbeat extended the attempt's lease")
        let workers = try db.jobs.workerList()
        #expect(workers.map(\.id) == ["w1"])
        #expect(workers[0].runningAttempts == [job.lease])
    }

    @Test("R-J-6 a quarantined job can be retried with a fresh budget; others cannot")
    func jobRetrySendsAQuarantinedJobThroughAgain() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("f.csv")
        #expect(throws: StoreError.jobNotInState(id: job.id, expected: "quarantined", actual: "running")) {
            try db.jobs.jobRetry(id: job.id)
        }
        _ = try db.jobs.jobRecordFailure(job.lease, error: "missing_column:unit", kind: .permanent)
        let retried = try db.jobs.jobRetry(id: job.id)
        #expect(retried.state == .pending && retried.maxAttempts == 5 && retried.finishedAt == nil)
        let again = try #require(try db.jobs.jobClaimNext(workerID: "w2"))
        #expect(again.id == job.id && again.attempt == 2)
        #expect(throws: StoreError.jobNotFound(987_654)) { try db.jobs.jobRetry(id: 987_654) }
    }

    @Test("R-O-1 listing pages by key, newest first, optionally by state")
    func jobListPagesByKey() throws {
        let db = try TestDatabase()
        var ids: [Int64] = []
        for i in 0..<7 {
            ids.append(
                try db.jobs.jobCreate(
                    JobCreateParams(fileName: "\(i).csv", sha256: TestDatabase.sha("\(i)"), sizeBytes: 1)
                ).job.id)
        }
        _ = try db.jobs.jobClaimNext(workerID: "w")  // ids[0] running
        var seen: [Int64] = []
        var cursor: Int64?
        repeat {
            let page = try db.jobs.jobList(limit: 3, beforeID: cursor)
            seen += page.jobs.map(\.id)
            cursor = page.nextBeforeID
        } while cursor != nil
        #expect(seen == ids.reversed())
        let pending = try db.jobs.jobList(state: .pending, limit: 100)
        #expect(pending.jobs.map(\.id) == ids.dropFirst().reversed())
        #expect(pending.nextBeforeID == nil)
        #expect(try db.jobs.jobList(state: .running).jobs.map(\.id) == [ids[0]])
        #expect(throws: StoreError.self) { try db.jobs.jobList(limit: 0) }
    }

    @Test("R-J-9 per-state counts match the table after many transitions, without scanning it")
    func jobCountsByStateFollowEveryTransition() throws {
        let db = try TestDatabase(configuration: Self.instantRetries)
        for i in 0..<12 {
            _ = try db.jobs.jobCreate(
                JobCreateParams(fileName: "\(i).csv", sha256: TestDatabase.sha("\(i)"), sizeBytes: 1))
        }
        for i in 0..<8 {
            let job = try #require(try db.jobs.jobClaimNext(workerID: "w\(i)"))
            switch i % 4 {
            case 0: _ = try db.hot.commit(HotCommitParams(lease: job.lease, readings: .init()))
            case 1: _ = try db.jobs.jobRecordFailure(job.lease, error: "x", kind: .permanent)
            case 2: _ = try db.jobs.jobRecordFailure(job.lease, error: "x", kind: .retryable)
            default: break
            }
        }
        let counts = try db.jobs.jobCountsByState()
        let actual = try db.pool.withConnection {
            try $0.query("SELECT state::text AS s, count(*) AS n FROM jobs GROUP BY state")
        }
        var expected = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, Int64(0)) })
        for row in actual.allRows { expected[JobState(rawValue: try row.string("s"))!] = try row.int("n") }
        #expect(counts == expected)
        #expect(counts[.succeeded] == 2 && counts[.quarantined] == 2)
        // Folding keeps the delta table at one row per state.
        #expect(try db.int("SELECT count(*) FROM job_state_count_deltas") <= Int64(JobState.allCases.count))
        #expect(try db.jobs.jobCountsByState() == expected)
    }

    @Test("R-J-9 list-by-state and claim queries use indexes at a million-job scale of stats")
    func jobQueriesUseIndexes() throws {
        let db = try TestDatabase()
        try db.pool.withConnection { c in
            try c.query(
                """
                INSERT INTO jobs (file_name, sha256, size_bytes, state, finished_at)
                SELECT 'f' || g || '.csv', sha256(int8send(g)), 1, 'succeeded', now() FROM generate_series(1, 60000) g
                """)
            try c.execute(unsafeSQL: "ANALYZE jobs")
        }
        // JobStore's own statements, with the parameters its methods bind.
        func plan(_ sql: String, _ parameters: [PostgresValue]) throws -> String {
            try db.pool.withConnection { c in
                try c.query("EXPLAIN " + sql, parameters).rows.compactMap { $0[0] }.joined(separator: "\n")
            }
        }
        let list = try plan(
            JobStore.listSQL(byState: true, beforeID: true), [.int(51), .text("quarantined"), .int(50_000)])
        #expect(list.contains("jobs_state_id"), "\(list)")
        let firstPage = try plan(JobStore.listSQL(byState: true, beforeID: false), [.int(51), .text("quarantined")])
        #expect(firstPage.contains("jobs_state_id"), "\(firstPage)")
        let claim = try plan(JobStore.claimSQL, [.text("w"), .double(5)])
        #expect(claim.contains("jobs_runnable"), "\(claim)")
        for p in [list, firstPage, claim] { #expect(!p.contains("Seq Scan on jobs"), "\(p)") }
    }
}
