import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// Retention (issue 12): whole day partitions dropped with their rollups, the extent of the
/// store, and readings older than the window archived but not loaded.
@Suite struct HotStoreRetentionTests {
    static let jan1: Int64 = 1_767_225_600  // Unix seconds
    static let daySeconds: Int64 = 86_400

    @Test("firstKeptDay: the UTC day holding now − N days; day strings round-trip")
    func retentionEdgeArithmetic() {
        // 2026-01-06 12:00 with 3 days: 2026-01-03 12:00 → first kept day 2026-01-03.
        let first = HotStoreRetention.firstKeptDay(retentionDays: 3, now: Self.jan1 + 5 * Self.daySeconds + 43_200)
        #expect(HotStoreRetention.dayString(first) == "2026-01-03")
        let oneDay = HotStoreRetention.firstKeptDay(retentionDays: 1, now: Self.jan1)
        #expect(HotStoreRetention.dayString(oneDay) == "2025-12-31")
        for text in ["1970-01-01", "2024-02-29", "2026-03-28", "1969-12-31", "9999-12-31"] {
            #expect(HotStoreRetention.dayNumber(text).map(HotStoreRetention.dayString) == text)
        }
        #expect(HotStoreRetention.dayNumber("2026-01-01") == 20_454)
        for bad in ["2025-02-29", "2026-13-01", "2026-1-01", "20260101", "2026-01-01 ", "２０２６-01-01"] {
            #expect(HotStoreRetention.dayNumber(bad) == nil)
        }
    }

    @Test(
        "R-H-2 retention drops whole day partitions of readings and meter_hourly; extent() follows (UTC and +05:30)",
        arguments: ["UTC", "Asia/Kolkata"])
    func retentionDropsWholePartitionsAndRollups(zone: String) throws {
        let db = try TestDatabase()
        try db.hot.setGridTimeZone(zone)
        let job = try db.makeRunningJob("five-days.csv")
        // 2026-01-01 … 2026-01-05, 10 meters, every 15 minutes.
        _ = try HotStoreTests.commit(db, job, meters: 1...10, slots: 0..<(5 * 96))
        try db.pool.withConnection { _ = try $0.query("ANALYZE readings") }
        let before = try db.hot.extent()
        #expect(before.oldestDay == "2026-01-01" && before.newestDay == "2026-01-05")
        #expect(before.rows == 10 * 5 * 96)
        #expect(before.bytes > 0)

        let now = Self.jan1 + 5 * Self.daySeconds + 43_200  // 2026-01-06 12:00: keep 2026-01-03 on
        let dropped = try db.hot.dropPartitions(olderThanDays: 3, now: now)
        // In +05:30 the grid hour 2025-12-31 23:30 UTC put a rollup partition on 2025-12-31.
        #expect(dropped == (zone == "UTC" ? [] : ["2025-12-31"]) + ["2026-01-01", "2026-01-02"])
        for name in ["readings_20260101", "readings_20260102", "meter_hourly_20260101", "meter_hourly_20260102"] {
            #expect(try db.scalar("SELECT to_regclass($1)::text", [.text(name)]) == nil)
        }
        #expect(try db.int("SELECT count(*) FROM meter_hourly WHERE hour_start < '2026-01-03+00'") == 0)
        // In +05:30 the grid hour 23:30–00:30 that straddles the edge went whole: its rollup row with
        // the dropped day, its two readings after midnight with it, so rollups still match readings.
        let straddling: Int64 = zone == "UTC" ? 0 : 2 * 10
        #expect(try db.int("SELECT count(*) FROM readings") == 10 * 3 * 96 - straddling)
        #expect(try db.int("SELECT count(*) FROM readings WHERE ts < '2026-01-03+00'") == 0)
        #expect(try HotStoreTests.rollupMismatches(db, zone: zone) == 0)
        try db.pool.withConnection { _ = try $0.query("ANALYZE readings") }
        let after = try db.hot.extent()
        #expect(after.oldestDay == "2026-01-03" && after.newestDay == "2026-01-05")
        #expect(after.rows == 10 * 3 * 96 - straddling)
        #expect(after.bytes < before.bytes)
        // Again: nothing left to drop.
        #expect(try db.hot.dropPartitions(olderThanDays: 3, now: now) == [])
        #expect(throws: StoreError.self) { try db.hot.dropPartitions(olderThanDays: 0, now: now) }
    }

    @Test("extent() of an empty store names no day and counts nothing")
    func extentOfAnEmptyStore() throws {
        let db = try TestDatabase()
        try db.hot.ensurePartitions(fromDay: "2026-01-01", throughDay: "2026-01-03")
        let extent = try db.hot.extent()
        #expect(extent.oldestDay == nil && extent.newestDay == nil && extent.rows == 0)
    }

    @Test("R-H-3 a file whose readings all fall before the retention window succeeds, loads nothing and is counted")
    func fileBeforeTheWindowSucceedsAndIsCounted() throws {
        let db = try TestDatabase()
        let now = Self.jan1 + 20 * Self.daySeconds  // 2026-01-21 00:00; 7 days keep 2026-01-14 on
        let hot = HotStore(pool: db.pool, settings: HotStoreSettings(retentionDays: 7, now: { now }))
        let old = try db.makeRunningJob("january-first.csv")
        let batch = makeBatch(meters: 1...5, slots: 0..<96) { Double($0) + Double($1) / 4 }
        #expect(
            try hot.commit(HotCommitParams(lease: old.lease, readings: batch))
                == .committed(
                    HotCommitStats(inserted: 0, replaced: 0, keptNewer: 0, transactionRuns: 1, beyondRetention: 480)))
        #expect(try db.scalar("SELECT state::text FROM jobs WHERE id = $1", [.int(old.id)]) == "succeeded")
        #expect(try db.int("SELECT count(*) FROM readings") == 0)
        #expect(try db.scalar("SELECT to_regclass('readings_20260101')::text") == nil)

        // A file across the edge: the days before it are counted, the rest loaded.
        let mixed = try db.makeRunningJob("straddling.csv")
        let across = makeBatch(meters: 1...2, slots: (12 * 96)..<(14 * 96)) { Double($0) + Double($1) / 4 }
        #expect(
            try hot.commit(HotCommitParams(lease: mixed.lease, readings: across))
                == .committed(
                    HotCommitStats(inserted: 192, replaced: 0, keptNewer: 0, transactionRuns: 1, beyondRetention: 192)))
        #expect(try db.int("SELECT count(*) FROM readings WHERE ts >= '2026-01-14+00'") == 192)
        #expect(try HotStoreTests.rollupMismatches(db, zone: "UTC") == 0)
        // Commits made no partition before the window; one made by hand goes with the store's own window.
        #expect(try hot.partitionDays().first?.day == "2026-01-14")
        try hot.ensurePartitions(fromDay: "2026-01-10", throughDay: "2026-01-10")
        #expect(try hot.dropExpiredPartitions() == ["2026-01-10"])
        #expect(try db.hot.dropExpiredPartitions() == [])  // keeps everything
    }

    @Test("R-H-2 in a +05:30 grid zone the window keeps whole grid hours: the hour straddling the edge is not loaded")
    func retentionEdgeKeepsWholeGridHours() throws {
        let db = try TestDatabase()
        try db.hot.setGridTimeZone("Asia/Kolkata")
        let now = Self.jan1 + 20 * Self.daySeconds  // first kept day 2026-01-14 with 7 days
        let hot = HotStore(pool: db.pool, settings: HotStoreSettings(retentionDays: 7, now: { now }))
        let job = try db.makeRunningJob("edge.csv")
        // 2026-01-13 23:00 … 2026-01-14 01:45 UTC. Grid hours start at :30 UTC; 23:30–00:30 starts before
        // the edge, so 23:00–00:15 (6 slots) stay out and 00:30–01:45 (6 slots) go in, per meter.
        let batch = makeBatch(meters: 1...2, slots: (13 * 96 - 4)..<(13 * 96 + 8)) { Double($0) + Double($1) / 8 }
        #expect(
            try hot.commit(HotCommitParams(lease: job.lease, readings: batch))
                == .committed(
                    HotCommitStats(inserted: 12, replaced: 0, keptNewer: 0, transactionRuns: 1, beyondRetention: 12)))
        #expect(try db.scalar("SELECT min(ts)::text FROM readings") == "2026-01-14 00:30:00+00")
        #expect(try db.scalar("SELECT to_regclass('meter_hourly_20260113')::text") == nil)
        #expect(try HotStoreTests.rollupMismatches(db, zone: "Asia/Kolkata") == 0)
    }

    @Test("R-H-3 a retention drop waits for a commit in flight and then drops; no deadlock, nothing half done")
    func dropWaitsForACommitInFlight() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("two-days.csv")
        _ = try HotStoreTests.commit(db, job, meters: 1...3, slots: 0..<(2 * 96))
        // What a commit holds while it runs: ROW EXCLUSIVE on readings and meter_hourly.
        let holder = try PostgresConnection.connect(url: db.url)
        try holder.execute(unsafeSQL: "BEGIN")
        try holder.query("DELETE FROM readings WHERE meter_id = 1 AND ts = '2026-01-02 00:00+00'")
        try holder.query("UPDATE meter_hourly SET readings = readings WHERE meter_id = 1")
        defer { _ = try? holder.execute(unsafeSQL: "ROLLBACK") }
        let now = Self.jan1 + 2 * Self.daySeconds + 3600  // 2026-01-03 01:00, 1 day: keep 2026-01-02 on
        let drop = BackgroundCall { try db.hot.dropPartitions(olderThanDays: 1, now: now) }
        // The drop is queued behind the holder for ACCESS EXCLUSIVE on readings.
        let waiting = waitUntil {
            (try? db.int(
                """
                SELECT count(*) FROM pg_locks l WHERE NOT l.granted AND l.mode = 'AccessExclusiveLock'
                  AND l.relation = 'readings'::regclass
                """)) == 1
        }
        #expect(waiting)
        #expect(try db.scalar("SELECT to_regclass('readings_20260101')::text") == "readings_20260101")
        try holder.execute(unsafeSQL: "ROLLBACK")
        #expect(try drop.value() == ["2026-01-01"])
        #expect(try db.int("SELECT count(*) FROM readings") == 3 * 96)
        #expect(try HotStoreTests.rollupMismatches(db, zone: "UTC") == 0)
    }
}
