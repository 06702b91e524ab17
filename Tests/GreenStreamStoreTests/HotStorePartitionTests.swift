import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// Day partitions of readings and meter_hourly (Migrations/006_day_partitions.sql): the commit
/// path of SPEC §6 across partition boundaries, partitions made on demand, DDL that does not
/// block commits, partition pruning.
@Suite struct HotStorePartitionTests {
    /// 2026-01-01T00:00:00Z in Unix µs; one 15-minute slot; one day.
    static let jan1: Int64 = 1_767_225_600_000_000
    static let slot: Int64 = 900_000_000
    static let day: Int64 = 86_400_000_000
    static let slotsPerDay = 96

    /// Rows per partition of `table`, by partition name.
    static func rowsPerPartition(_ db: TestDatabase, _ table: String) throws -> [String: Int64] {
        let sql =
            table == "readings"
            ? "SELECT tableoid::regclass::text AS part, count(*) AS n FROM readings GROUP BY 1"
            : "SELECT tableoid::regclass::text AS part, count(*) AS n FROM meter_hourly GROUP BY 1"
        var out: [String: Int64] = [:]
        for row in try db.pool.withConnection({ try $0.query(sql).allRows }) {
            out[try row.string("part")] = try row.int("n")
        }
        return out
    }

    static func partitionExists(_ db: TestDatabase, _ name: String) throws -> Bool {
        try db.scalar("SELECT to_regclass($1)::text", [.text(name)]) != nil
    }

    static func commit(_ db: TestDatabase, _ job: Job, meters: ClosedRange<Int64>, slots: Range<Int>) throws
        -> HotCommitResult
    {
        try HotStoreTests.commit(db, job, meters: meters, slots: slots)
    }

    @Test("R-H-1 R-H-2 a file spanning midnight lands in two day partitions, rollups exact (UTC and +05:30)",
          arguments: ["UTC", "Asia/Kolkata"])
    func commitSpanningMidnight(zone: String) throws {
        let db = try TestDatabase()
        try db.hot.setGridTimeZone(zone)
        let job = try db.makeRunningJob("midnight.csv")
        // 2026-01-01 22:00 … 2026-01-02 01:45 UTC: 8 slots on each side of midnight.
        let result = try Self.commit(db, job, meters: 1...5, slots: 88..<104)
        #expect(result == .committed(HotCommitStats(inserted: 80, replaced: 0, keptNewer: 0, transactionRuns: 1)))
        #expect(try Self.rowsPerPartition(db, "readings") == ["readings_20260101": 40, "readings_20260102": 40])
        let hourly = try Self.rowsPerPartition(db, "meter_hourly")
        #expect(hourly.keys.sorted() == ["meter_hourly_20260101", "meter_hourly_20260102"])
        #expect(try HotStoreTests.rollupMismatches(db, zone: zone) == 0)
        // The grid hour that straddles midnight in +05:30 (23:30–00:30 UTC) has all 4 readings.
        if zone == "Asia/Kolkata" {
            #expect(
                try db.int(
                    "SELECT readings FROM meter_hourly WHERE meter_id = 1 AND hour_start = '2026-01-01 23:30+00'") == 4)
        }
    }

    @Test(
        "R-H-1 R-H-2 a correction of last week's partition: the later job wins, an earlier one keeps nothing, rollups exact"
    )
    func correctionIntoAnOlderPartition() throws {
        let db = try TestDatabase()
        let original = try db.makeRunningJob("week.csv", worker: "a")
        let lateOriginal = try db.makeRunningJob("week-resent-by-old-system.csv", worker: "b")
        let correction = try db.makeRunningJob("day1-corrected.csv", worker: "c")
        // A week of data (7 partitions), then "today" (day 8).
        guard case .committed = try Self.commit(db, original, meters: 1...6, slots: 0..<(8 * Self.slotsPerDay))
        else { Issue.record("the week did not commit"); return }
        // The correction rewrites day 1 (whole ranges for meters 1–3) and a few hours of day 2 across
        // midnight for meters 2–8 (keyed replaces for 2–3 plus new meters 7–8).
        let a = try db.hot.commit(
            HotCommitParams(
                lease: correction.lease,
                readings: makeBatch(meters: 1...3, slots: 0..<Self.slotsPerDay) {
                    HotStoreTests.value(job: correction.id, meter: $0, slot: $1)
                }))
        #expect(a == .committed(HotCommitStats(inserted: 0, replaced: 288, keptNewer: 0, transactionRuns: 1)))
        // An earlier job committing last over the same day keeps nothing of what the correction wrote.
        let b = try Self.commit(db, lateOriginal, meters: 2...8, slots: 90..<100)
        // meters 2–3 slots 90–95 belong to the correction (kept), 96–99 to `original` (replaced);
        // meters 4–6: all 10 replace `original`; meters 7–8: new.
        #expect(b == .committed(HotCommitStats(inserted: 20, replaced: 8 + 30, keptNewer: 12, transactionRuns: 1)))
        #expect(
            try db.int(
                "SELECT count(*) FROM readings WHERE job_id = $1 AND ts < '2026-01-02+00' AND meter_id <= 3",
                [.int(correction.id)]) == 288)
        #expect(
            try db.int(
                "SELECT count(*) FROM readings WHERE meter_id <= 3 AND ts < '2026-01-02+00' AND job_id <> $1",
                [.int(correction.id)]) == 0)
        #expect(try db.int("SELECT count(*) FROM readings") == 6 * 8 * 96 + 2 * 10)
        #expect(try Self.rowsPerPartition(db, "readings").count == 8)
        #expect(try HotStoreTests.rollupMismatches(db, zone: "UTC") == 0)
    }

    @Test("R-H-1 a back-dated file creates its day partitions on demand, plus today and the days ahead")
    func backDatedFileCreatesItsPartition() throws {
        let db = try TestDatabase()
        let now: Int64 = 1_767_225_600 + 40 * 86_400 + 3600  // 2026-02-10 01:00 UTC
        let hot = HotStore(pool: db.pool, settings: HotStoreSettings(partitionDaysAhead: 2, now: { now }))
        let job = try db.makeRunningJob("backdated.csv")
        #expect(!(try Self.partitionExists(db, "readings_20260101")))
        let batch = makeBatch(meters: 1...3, slots: 0..<8) { Double($0) + Double($1) }
        #expect(try hot.commit(HotCommitParams(lease: job.lease, readings: batch))
            == .committed(HotCommitStats(inserted: 24, replaced: 0, keptNewer: 0, transactionRuns: 1)))
        #expect(try Self.rowsPerPartition(db, "readings") == ["readings_20260101": 24])
        let days = try hot.partitionDays().map(\.day)
        // The file's day, the day before (its first grid hour could start there in a +05:30 zone:
        // asked of the store's gs_hour_start, here UTC, so not), today and 2 days ahead.
        #expect(days == ["2026-01-01", "2026-02-10", "2026-02-11", "2026-02-12"])
        for d in ["20260101", "20260210", "20260211", "20260212"] {
            #expect(try Self.partitionExists(db, "meter_hourly_" + d))
        }
        #expect(try HotStoreTests.rollupMismatches(db, zone: "UTC") == 0)
    }

    @Test("R-H-3 ensurePartitions is idempotent, safe for concurrent callers and refuses malformed days")
    func ensurePartitionsIsIdempotentAndConcurrentSafe() throws {
        let db = try TestDatabase()
        let results = runOnThreads(4) { _ in
            try db.hot.ensurePartitions(fromDay: "2026-03-28", throughDay: "2026-04-02")
        }
        for r in results { #expect(throws: Never.self) { try r.get() } }
        try db.hot.ensurePartitions(fromDay: "2026-03-30", throughDay: "2026-04-03")
        #expect(try db.hot.partitionDays().map(\.day) == [
            "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02", "2026-04-03",
        ])
        #expect(
            try db.int(
                "SELECT count(*) FROM pg_inherits WHERE inhparent IN ('readings'::regclass, 'meter_hourly'::regclass)")
                == 14)
        for (from, through) in [("2026-02-30", "2026-03-01"), ("2026-03-02", "2026-03-01")] {
            #expect(throws: StoreError.self) { try db.hot.ensurePartitions(fromDay: from, throughDay: through) }
        }
        #expect(throws: StoreError.self) { try db.hot.ensurePartitions(fromDay: "x'); DROP", throughDay: "2026-03-01") }
    }

    @Test("R-H-3 creating a day's partitions neither waits for nor blocks a commit in flight on another day")
    func partitionCreationDoesNotBlockCommits() throws {
        let db = try TestDatabase()
        let first = try db.makeRunningJob("day1.csv")
        _ = try Self.commit(db, first, meters: 1...4, slots: 0..<8)
        // A transaction holding what a commit holds on day 1 (row locks, ROW EXCLUSIVE on both tables).
        let holder = try PostgresConnection.connect(url: db.url)
        try holder.execute(unsafeSQL: "BEGIN ISOLATION LEVEL REPEATABLE READ")
        try holder.query("DELETE FROM readings WHERE meter_id = 1 AND ts = '2026-01-01 00:00+00'")
        try holder.query("UPDATE meter_hourly SET readings = readings WHERE meter_id = 1")
        defer { _ = try? holder.execute(unsafeSQL: "ROLLBACK") }
        // Meanwhile a commit of a new day creates its partitions and commits.
        let second = try db.makeRunningJob("day9.csv")
        let call = BackgroundCall {
            try Self.commit(db, second, meters: 1...4, slots: (8 * Self.slotsPerDay)..<(8 * Self.slotsPerDay + 8))
        }
        let done = waitUntil(seconds: 30) {
            (try? db.scalar("SELECT state::text FROM jobs WHERE id = $1", [.int(second.id)])) == "succeeded"
        }
        #expect(done, "the commit of a new day waited for a transaction on another day")
        try holder.execute(unsafeSQL: "ROLLBACK")
        #expect(
            try call.value() == .committed(HotCommitStats(inserted: 32, replaced: 0, keptNewer: 0, transactionRuns: 1)))
        #expect(try Self.rowsPerPartition(db, "readings") == ["readings_20260101": 32, "readings_20260109": 32])
    }

    @Test("R-H-3 concurrent commits of four new days each create their partitions and all commit")
    func concurrentCommitsOfNewDays() throws {
        let db = try TestDatabase()
        let jobs = try (0..<4).map { try db.makeRunningJob("new-day-\($0).csv", worker: "w\($0)") }
        let results = runOnThreads(4) { i in
            let first = i * 10 * Self.slotsPerDay
            return try Self.commit(db, jobs[i], meters: 1...20, slots: first..<(first + 96))
        }
        for r in results {
            guard case .success(.committed(let stats)) = r else {
                Issue.record("\(r)")
                continue
            }
            #expect(stats.inserted == 20 * 96)
        }
        #expect(try Self.rowsPerPartition(db, "readings") == [
            "readings_20260101": 1920, "readings_20260111": 1920, "readings_20260121": 1920, "readings_20260131": 1920,
        ])
        #expect(try HotStoreTests.rollupMismatches(db, zone: "UTC") == 0)
    }

    /// The plan of `sql`, as text.
    static func plan(_ db: TestDatabase, _ sql: String) throws -> String {
        try db.pool.withConnection { c in
            try c.query("EXPLAIN " + sql).rows.compactMap { $0.first ?? nil }.joined(separator: "\n")
        }
    }

    @Test("R-H-1b a one-day grid_hourly query and one meter's 24 hours read only their days' partitions")
    func queriesPruneToTheirDays() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("four-days.csv")
        _ = try Self.commit(db, job, meters: 1...10, slots: 0..<(4 * Self.slotsPerDay))
        try db.pool.withConnection { _ = try $0.query("ANALYZE readings"); _ = try $0.query("ANALYZE meter_hourly") }
        let grid = try Self.plan(
            db, "SELECT * FROM grid_hourly WHERE hour_start >= '2026-01-02+00' AND hour_start < '2026-01-03+00'")
        #expect(grid.contains("meter_hourly_20260102"))
        for other in ["meter_hourly_20260101", "meter_hourly_20260103", "meter_hourly_20260104"] {
            #expect(!grid.contains(other), "\(grid)")
        }
        let meter = try Self.plan(
            db,
            """
            SELECT ts, kw FROM readings
            WHERE meter_id = 7 AND ts >= '2026-01-02 06:00+00' AND ts < '2026-01-03 06:00+00'
            """)
        #expect(meter.contains("readings_20260102") && meter.contains("readings_20260103"))
        #expect(!meter.contains("readings_20260101") && !meter.contains("readings_20260104"), "\(meter)")
        #expect(meter.contains("Index"), "\(meter)")
        // The same through bound parameters (how an application asks): pruned at executor start-up.
        let rows = try db.pool.withConnection { c in
            try c.query(
                """
                SELECT count(*) AS n FROM readings
                WHERE meter_id = $1 AND ts >= $2::timestamptz AND ts < $3::timestamptz
                """,
                [.int(7), .text("2026-01-02 06:00+00"), .text("2026-01-03 06:00+00")]
            ).row(0).int("n")
        }
        #expect(rows == 96)
    }

    @Test(
        "R-F-3 the peak hours of one grid day (gsctl peak) equal grid_peak_hours for that day, across DST and +05:30",
        arguments: ["Asia/Kolkata", "Europe/Berlin"])
    func peakHoursOfADayMatchTheView(zone: String) throws {
        let db = try TestDatabase()
        try db.hot.setGridTimeZone(zone)
        let job = try db.makeRunningJob("dst-weekend.csv")
        // 2026-03-27 … 2026-03-30 UTC (Europe's spring-forward night is 2026-03-29), 3 meters.
        let start: Int64 = Self.jan1 + 85 * Self.day
        let batch = makeBatch(meters: 1...3, slots: 0..<(4 * Self.slotsPerDay), startMicros: start) { meter, slot in
            Double((slot * 37 + Int(meter) * 11) % 97) / 7
        }
        _ = try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        for day in ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"] {
            let viaView = try db.pool.withConnection { c in
                try c.query(
                    """
                    SELECT gs_to_unix_micros(hour_start) AS h, meters, load_kw FROM grid_peak_hours
                    WHERE day = $1::date AND peak_rank <= 5 ORDER BY peak_rank, hour_start
                    """, [.text(day)]
                ).allRows.map {
                    PeakHourRow(
                        hourStartMicros: try $0.int("h"), meters: Int(try $0.int("meters")),
                        loadKW: try $0.double("load_kw"))
                }
            }
            let peak = try db.jobs.peakHours(day: day, top: 5)
            #expect(peak.day == day)
            #expect(!viaView.isEmpty && peak.hours == viaView, "\(day)")
        }
    }
}
