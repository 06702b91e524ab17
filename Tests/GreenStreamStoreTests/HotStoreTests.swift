import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

@Suite struct HotStoreTests {
    /// A job's value for a slot: distinct per job so the winner is visible.
    static func value(job: Int64, meter: Int64, slot: Int) -> Double { Double(job * 1000 + meter) + Double(slot) / 8 }

    static func commit(_ db: TestDatabase, _ job: Job, meters: ClosedRange<Int64>, slots: Range<Int>) throws
        -> HotCommitResult
    {
        let batch = makeBatch(meters: meters, slots: slots) { value(job: job.id, meter: $0, slot: $1) }
        return try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch, rejectCounts: [.invalidUnit: 2]))
    }

    /// Rows where grid_hourly or meter_hourly differ from R-F-3 computed from scratch over
    /// readings, exactly (no tolerance; see HotStoreExactRollupTests).
    static func rollupMismatches(_ db: TestDatabase, zone: String) throws -> Int64 {
        try HotStoreExactRollupTests.exactMismatches(db, zone: zone)
    }

    @Test(
        "R-H-1 a later-landed job's readings replace an earlier one's, whatever the commit order",
        arguments: [false, true])
    func higherJobIDWins(earlierCommitsLast: Bool) throws {
        let db = try TestDatabase()
        let earlier = try db.makeRunningJob("monday.csv", worker: "a")
        let later = try db.makeRunningJob("monday-corrected.csv", worker: "b")
        #expect(earlier.id < later.id)
        let order = earlierCommitsLast ? [later, earlier] : [earlier, later]
        var results: [Int64: HotCommitResult] = [:]
        for job in order {
            // earlier: meters 1–4, slots 0–7; later: meters 3–6, slots 4–11 (overlap: meters 3–4, slots 4–7).
            let meters: ClosedRange<Int64> = job.id == earlier.id ? 1...4 : 3...6
            let slots = job.id == earlier.id ? 0..<8 : 4..<12
            results[job.id] = try Self.commit(db, job, meters: meters, slots: slots)
        }
        #expect(try db.int("SELECT count(*) FROM readings") == 4 * 8 + 4 * 8 - 2 * 4)
        #expect(try db.int("SELECT count(*) FROM readings WHERE job_id = $1", [.int(later.id)]) == 32)
        #expect(
            try db.int(
                "SELECT count(*) FROM readings WHERE job_id = $1 AND meter_id IN (3, 4) AND ts >= to_timestamp(1767225600 + 4 * 900)",
                [.int(earlier.id)]) == 0)
        #expect(
            try db.int(
                "SELECT count(*) FROM readings WHERE job_id = $1 AND kw <> ($1 * 1000 + meter_id) + extract(epoch FROM ts - to_timestamp(1767225600)) / 900 / 8",
                [.int(later.id)]) == 0)
        if earlierCommitsLast {
            #expect(
                results[earlier.id]
                    == .committed(HotCommitStats(inserted: 24, replaced: 0, keptNewer: 8, transactionRuns: 1)))
        } else {
            #expect(
                results[later.id]
                    == .committed(HotCommitStats(inserted: 24, replaced: 8, keptNewer: 0, transactionRuns: 1)))
        }
        #expect(try Self.rollupMismatches(db, zone: "UTC") == 0)
    }

    @Test("R-H-1 every column is stored exactly as the batch carries it")
    func readingsKeepEveryColumn() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("exact.csv")
        var batch = ReadingBatch()
        batch.append(
            meterID: 9_223_372_036_854_775_807, ts: 1_767_225_600_123_456, kw: 0.1 + 0.2, quality: .interpolated,
            hourOfDay: 23, isPeakWindow: true)
        batch.append(
            meterID: 9_223_372_036_854_775_807, ts: 1_767_225_600_123_457, kw: -0.0, quality: .measured, hourOfDay: 0,
            isPeakWindow: false)
        _ = try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        let rows = try db.pool.withConnection { c in
            try c.query(
                """
                SELECT meter_id, (extract(epoch FROM ts) * 1000000)::bigint AS us, kw, quality, hour_of_day, is_peak_window, job_id
                FROM readings ORDER BY ts
                """
            ).allRows
        }
        #expect(rows.count == 2)
        #expect(try rows[0].int("meter_id") == Int64.max && rows[0].int("us") == 1_767_225_600_123_456)
        #expect(try rows[0].double("kw") == 0.1 + 0.2 && rows[0].string("quality") == "interpolated")
        #expect(
            try rows[0].int("hour_of_day") == 23 && rows[0].bool("is_peak_window") && rows[0].int("job_id") == job.id)
        #expect(try rows[1].string("quality") == "measured" && !rows[1].bool("is_peak_window"))
    }

    @Test(
        "R-H-2 R-F-3 the rollup equals a from-scratch aggregate after overlapping corrections and retries (grid zone +05:30)"
    )
    func rollupMatchesReadingsAfterCorrectionsAndRetries() throws {
        let db = try TestDatabase(configuration: JobStoreTests.instantRetries)
        try db.hot.setGridTimeZone("Asia/Kolkata")
        var jobs: [Job] = []
        for i in 0..<5 { jobs.append(try db.makeRunningJob("day-\(i).csv", worker: "w\(i)")) }
        // Job 2's first attempt fails; its retry commits, and the stale attempt's late commit is fenced.
        _ = try db.jobs.jobRecordFailure(jobs[2].lease, error: "sink error", kind: .retryable)
        let retry = try #require(try db.jobs.jobClaimNext(workerID: "w9"))
        #expect(retry.id == jobs[2].id && retry.attempt == 2)
        let plan: [(Job, ClosedRange<Int64>, Range<Int>)] = [
            (jobs[3], 2...9, 10..<30), (jobs[0], 1...6, 0..<24), (retry, 4...12, 5..<20),
            (jobs[4], 1...3, 20..<40), (jobs[1], 5...10, 0..<48),
        ]
        for (job, meters, slots) in plan {
            guard case .committed = try Self.commit(db, job, meters: meters, slots: slots) else {
                Issue.record("job \(job.id) did not commit")
                continue
            }
        }
        #expect(
            try Self.commit(db, jobs[2], meters: 1...12, slots: 0..<48) == .fenced(currentAttempt: 2, state: .succeeded)
        )
        #expect(try Self.rollupMismatches(db, zone: "Asia/Kolkata") == 0)
        #expect(try db.int("SELECT count(*) FROM grid_hourly") > 10)
        #expect(
            try db.int(
                "SELECT count(*) FROM grid_hourly WHERE extract(minute FROM hour_start AT TIME ZONE 'UTC') <> 30") == 0)
        #expect(
            try db.int(
                "SELECT count(*) FROM meter_hourly m WHERE readings <> (SELECT count(*) FROM readings r WHERE r.meter_id = m.meter_id AND r.ts >= m.hour_start AND r.ts < m.hour_start + interval '1 hour')"
            ) == 0)
    }

    @Test("R-H-2 readings landing between stored ones, or sharing a boundary hour, update the existing hour rows")
    func interleavedAndAdjacentFilesKeepTheRollupExact() throws {
        let db = try TestDatabase()
        func batch(_ job: Job, _ slots: [Int]) -> ReadingBatch {
            var b = ReadingBatch()
            for meter in Int64(1)...3 {
                for slot in slots {
                    let ts: Int64 = 1_767_225_600_000_000 + Int64(slot) * 300_000_000  // 5-minute slots
                    b.append(
                        meterID: meter, ts: ts, kw: Self.value(job: job.id, meter: meter, slot: slot),
                        quality: .measured, hourOfDay: 0, isPeakWindow: false)
                }
            }
            return b
        }
        let plan: [[Int]] = [
            Array(stride(from: 0, to: 30, by: 2)), Array(stride(from: 1, to: 30, by: 2)), Array(29..<50), [5, 60],
        ]
        for (i, slots) in plan.enumerated() {
            let job = try db.makeRunningJob("part-\(i).csv")
            _ = try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch(job, slots)))
            #expect(try Self.rollupMismatches(db, zone: "UTC") == 0, "after file \(i)")
        }
        #expect(try db.int("SELECT count(*) FROM readings") == 3 * 51)
        #expect(try db.int("SELECT sum(readings) FROM meter_hourly") == 3 * 51)
    }

    @Test("R-J-4 a stale attempt's commit is refused and changes nothing")
    func staleAttemptCommitIsFenced() throws {
        let db = try TestDatabase(configuration: JobStoreTests.instantRetries)
        let first = try db.makeRunningJob("f.csv")
        _ = try db.jobs.jobRecordFailure(first.lease, error: "worker_lost", kind: .retryable)
        let second = try #require(try db.jobs.jobClaimNext(workerID: "w2"))
        let jobRow = "SELECT xmin::text || row(j.*)::text FROM jobs j WHERE id = $1"
        let before = try db.scalar(jobRow, [.int(first.id)])
        let result = try Self.commit(db, first, meters: 1...3, slots: 0..<8)
        #expect(result == .fenced(currentAttempt: 2, state: .running))
        #expect(try db.scalar(jobRow, [.int(first.id)]) == before)
        #expect(try db.int("SELECT count(*) FROM readings") == 0)
        #expect(try db.int("SELECT count(*) FROM meter_hourly") == 0)
        guard case .committed = try Self.commit(db, second, meters: 1...3, slots: 0..<8) else {
            Issue.record("current attempt did not commit")
            return
        }
        let shown = try #require(try db.jobs.jobShow(id: first.id))
        #expect(
            shown.job.state == .succeeded && shown.job.storedRows == 24 && shown.job.rejectCounts == [.invalidUnit: 2])
        #expect(shown.job.interpolatedRows == Int64((0..<8).filter { $0 % 7 == 3 }.count * 3))
        #expect(shown.attempts.map(\.outcome) == ["failed", "succeeded"])
    }

    @Test("R-H-3 four connections committing overlapping files at once all succeed and end consistent")
    func concurrentOverlappingCommitsEndConsistent() throws {
        let db = try TestDatabase(maxConnections: 4)
        var jobs: [Job] = []
        for i in 0..<4 { jobs.append(try db.makeRunningJob("overlap-\(i).csv", worker: "w\(i)")) }
        let ranges: [(ClosedRange<Int64>, Range<Int>)] = [
            (1...30, 0..<96), (10...40, 48..<144), (20...50, 0..<120), (1...50, 90..<100),
        ]
        let jobsCopy = jobs
        let results = runOnThreads(4) { i in try Self.commit(db, jobsCopy[i], meters: ranges[i].0, slots: ranges[i].1) }
        for (i, result) in results.enumerated() {
            switch result {
            case .success(.committed): break
            case .success(let other): Issue.record("job \(jobs[i].id): \(other)")
            case .failure(let error): Issue.record("job \(jobs[i].id) failed: \(error)")
            }
        }
        // Every stored instant holds the value of the highest job id that carried it.
        var expected: [String: Int64] = [:]
        for (i, (meters, slots)) in ranges.enumerated() {
            for m in meters {
                for s in slots {
                    expected["\(m)/\(s)", default: 0] = max(expected["\(m)/\(s)", default: 0], jobs[i].id)
                }
            }
        }
        #expect(try db.int("SELECT count(*) FROM readings") == Int64(expected.count))
        let wrong = try db.pool.withConnection { c in
            try c.query(
                """
                SELECT meter_id, (extract(epoch FROM ts - to_timestamp(1767225600)) / 900)::int AS slot, job_id, kw FROM readings
                """
            ).allRows.filter { row in
                let m = try row.int("meter_id")
                let s = Int(try row.int("slot"))
                let j = try row.int("job_id")
                let kw = try row.double("kw")
                return j != expected["\(m)/\(s)"] || kw != Self.value(job: j, meter: m, slot: s)
            }.count
        }
        #expect(wrong == 0)
        #expect(try Self.rollupMismatches(db, zone: "UTC") == 0)
        #expect(try db.int("SELECT count(*) FROM jobs WHERE state = 'succeeded'") == 4)
    }

    @Test("R-H-3 a commit whose connection is killed mid-COPY leaves no partial rows")
    func killedConnectionMidCopyLeavesNothing() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("big.csv")
        let baseURL = db.baseURL
        let killing = HotStore(pool: db.pool) { pid, bytesSent in
            guard bytesSent == 1 << 20 else { return }  // after the first chunk only
            let killer = try PostgresConnection.connect(url: baseURL)
            try killer.query("SELECT pg_terminate_backend($1)", [.int(Int64(pid))])
            for _ in 0..<500
            where try killer.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [.int(Int64(pid))]).isEmpty == false
            {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        let batch = makeBatch(meters: 1...50, slots: 0..<1000) { Self.value(job: job.id, meter: $0, slot: $1) }
        let error = try #require(throws: PostgresError.self) {
            try killing.commit(HotCommitParams(lease: job.lease, readings: batch))
        }
        #expect(error.isConnectionFailure, "\(error)")
        #expect(try db.int("SELECT count(*) FROM readings") == 0)
        #expect(try db.int("SELECT count(*) FROM meter_hourly") == 0)
        let after = try #require(try db.jobs.jobShow(id: job.id))
        #expect(after.job.state == .running && after.job.attempt == 1)
        // The same attempt can still commit through a fresh connection.
        let result = try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        #expect(result == .committed(HotCommitStats(inserted: 50_000, replaced: 0, keptNewer: 0, transactionRuns: 1)))
        #expect(try db.int("SELECT count(*) FROM readings") == 50_000)
    }

    @Test("R-J-2 a job whose content already succeeded under another job becomes duplicate at commit")
    func commitOfSucceededContentIsADuplicate() throws {
        let db = try TestDatabase()
        let sha = TestDatabase.sha("same content")
        let a = try db.makeRunningJob("a.csv", sha256: sha)
        let b = try db.makeRunningJob("b.csv", sha256: sha)
        guard case .committed = try Self.commit(db, a, meters: 1...2, slots: 0..<4) else {
            Issue.record("a did not commit")
            return
        }
        #expect(try Self.commit(db, b, meters: 1...2, slots: 0..<4) == .duplicate(of: a.id))
        #expect(try db.int("SELECT count(*) FROM readings WHERE job_id = $1", [.int(b.id)]) == 0)
        let shown = try #require(try db.jobs.jobShow(id: b.id))
        #expect(
            shown.job.state == .duplicate && shown.job.duplicateOf == a.id
                && shown.attempts.map(\.outcome) == ["duplicate"])
    }

    @Test func committingForAnUnknownJobIsATypedError() throws {
        let db = try TestDatabase()
        #expect(throws: StoreError.jobNotFound(424_242)) {
            try db.hot.commit(HotCommitParams(lease: JobLease(jobID: 424_242, attempt: 1), readings: ReadingBatch()))
        }
    }

    @Test("R-IN-4 a file with no data rows succeeds with zero rows")
    func emptyBatchSucceeds() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("empty.csv")
        #expect(
            try db.hot.commit(HotCommitParams(lease: job.lease, readings: ReadingBatch()))
                == .committed(HotCommitStats(inserted: 0, replaced: 0, keptNewer: 0, transactionRuns: 1)))
        #expect(try db.jobs.jobShow(id: job.id)?.job.storedRows == 0)
    }

    @Test func anUnsortedOrRepeatedBatchIsRefusedBeforeTouchingTheDatabase() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("bad.csv")
        var batch = makeBatch(meters: 1...2, slots: 0..<3) { _, _ in 1 }
        batch.ts[4] = batch.ts[3]
        #expect(throws: HotStoreError.readingsNotStrictlySorted(index: 4)) {
            try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        }
        var negative = makeBatch(meters: 1...1, slots: 0..<2) { _, _ in .infinity }
        #expect(throws: HotStoreError.nonFiniteValue(index: 0)) {
            try db.hot.commit(HotCommitParams(lease: job.lease, readings: negative))
        }
        negative.meterID = [0, 0]
        #expect(throws: HotStoreError.invalidMeterID(index: 0)) {
            try db.hot.commit(HotCommitParams(lease: job.lease, readings: negative))
        }
        #expect(try db.jobs.jobShow(id: job.id)?.job.state == .running)
    }

    @Test("R-F-3 the grid time zone is fixed once readings exist")
    func gridTimeZoneLocksOnceReadingsExist() throws {
        let db = try TestDatabase()
        #expect(try db.hot.gridTimeZone() == "UTC")
        #expect(throws: StoreError.unknownTimeZone("Mars/Olympus")) { try db.hot.setGridTimeZone("Mars/Olympus") }
        try db.hot.setGridTimeZone("Europe/Berlin")
        let job = try db.makeRunningJob("f.csv")
        _ = try Self.commit(db, job, meters: 1...1, slots: 0..<4)
        try db.hot.setGridTimeZone("Europe/Berlin")
        #expect(throws: StoreError.gridTimeZoneLocked(current: "Europe/Berlin", requested: "UTC")) {
            try db.hot.setGridTimeZone("UTC")
        }
    }

    @Test("R-F-3 the peak-hours view ranks each grid day's hours by load")
    func peakHoursViewRanksByLoad() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("f.csv")
        // 2 meters over one day; load peaks at slot 70 (17:30 UTC) by construction.
        let batch = makeBatch(meters: 1...2, slots: 0..<96) { _, slot in slot == 70 ? 50 : Double(slot % 10) }
        _ = try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        #expect(
            try db.scalar(
                "SELECT extract(hour FROM hour_start AT TIME ZONE 'UTC')::text FROM grid_peak_hours WHERE peak_rank = 1"
            ) == "17")
        #expect(try db.int("SELECT count(*) FROM grid_peak_hours") == 24)
        #expect(try db.int("SELECT count(DISTINCT peak_rank) FROM grid_peak_hours") == 24)
    }
}
