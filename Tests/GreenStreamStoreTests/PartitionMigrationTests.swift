import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// Migration 006 converts a populated, unpartitioned store (schema 005) in place (issue 12).
@Suite struct PartitionMigrationTests {
    /// Every row of readings and meter_hourly in key order, as one digest each, plus counts.
    static func fingerprint(_ db: TestDatabase) throws -> [String] {
        [
            try db.scalar(
                """
                SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s', meter_id, gs_to_unix_micros(ts), kw::text, quality,
                                             hour_of_day, is_peak_window, job_id), ',' ORDER BY meter_id, ts))
                FROM readings
                """) ?? "",
            try db.scalar(
                """
                SELECT md5(string_agg(format('%s|%s|%s|%s', meter_id, gs_to_unix_micros(hour_start), kw_sum, readings),
                                      ',' ORDER BY meter_id, hour_start))
                FROM meter_hourly
                """) ?? "",
            try db.scalar("SELECT count(*) FROM readings") ?? "",
            try db.scalar(
                """
                SELECT md5(string_agg(format('%s|%s|%s', hour_start, meters, load_kw), ',' ORDER BY hour_start))
                FROM grid_hourly
                """) ?? "",
        ]
    }

    @Test(
        "R-H-1 R-H-2 R-H-1b migration 006 moves a populated store (days, corrections, rollups) into day partitions intact"
    )
    func migrationOfAPopulatedStore() throws {
        let db = try TestDatabase(migrate: false)
        let upTo005 = try Migrator(migrations: Migrator.bundled().filter { $0.version <= 5 })
        try db.pool.withConnection { _ = try upTo005.migrate($0) }
        try db.pool.withConnection { c in
            // A +05:30 grid zone, so rollup hours straddle UTC midnight and the first hour lies on
            // the day before the first reading.
            try c.query("UPDATE store_settings SET value = 'Asia/Kolkata' WHERE key = 'grid_time_zone'")
            // Jobs 1–3 wrote the rows below; jobs created later get higher ids, as in production.
            try c.execute(unsafeSQL: "ALTER TABLE jobs ALTER COLUMN id RESTART WITH 100")
            // Job 1: 40 meters × 4 days (2026-01-01 … 01-04) every 15 min, kW values no binary fraction holds.
            try c.query(
                """
                INSERT INTO readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id)
                SELECT m, t, (m * 7 + extract(epoch FROM t) / 900) / 3.0,
                       CASE WHEN m % 5 = 0 THEN 'interpolated' ELSE 'measured' END,
                       extract(hour FROM t AT TIME ZONE 'Asia/Kolkata'), m % 2 = 0, 1
                FROM generate_series(1, 40) m,
                     generate_series(timestamptz '2026-01-01 00:00+00', '2026-01-04 23:45+00', '15 minutes') t
                """)
            // Job 2 corrects day 2 of meters 5–15; job 3 adds meters 41–45 on day 4 only.
            try c.query(
                """
                UPDATE readings SET kw = kw * 1.1 + 0.01, job_id = 2
                WHERE meter_id BETWEEN 5 AND 15 AND ts >= '2026-01-02+00' AND ts < '2026-01-03+00'
                """)
            try c.query(
                """
                INSERT INTO readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id)
                SELECT m, t, m / 9.0, 'measured', extract(hour FROM t AT TIME ZONE 'Asia/Kolkata'), false, 3
                FROM generate_series(41, 45) m,
                     generate_series(timestamptz '2026-01-04 00:00+00', '2026-01-04 23:45+00', '15 minutes') t
                """)
            // The rollup, as HotStore keeps it (004: exact numeric sums per grid hour).
            try c.query(
                """
                INSERT INTO meter_hourly (meter_id, hour_start, kw_sum, readings)
                SELECT meter_id, gs_hour_start(ts, 'Asia/Kolkata'), sum(kw::numeric), count(*)
                FROM readings GROUP BY 1, 2
                """)
        }
        #expect(try db.int("SELECT count(*) FROM readings") == 40 * 4 * 96 + 5 * 96)
        #expect(try HotStoreExactRollupTests.exactMismatches(db, zone: "Asia/Kolkata") == 0)
        let before = try Self.fingerprint(db)

        let applied = try db.pool.withConnection { try Migrator().migrate($0) }
        #expect(applied.contains(6))
        #expect(try db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'readings'::regclass") == "p")
        #expect(try db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'meter_hourly'::regclass") == "p")
        #expect(try Self.fingerprint(db) == before)
        #expect(try HotStoreExactRollupTests.exactMismatches(db, zone: "Asia/Kolkata") == 0)
        #expect(
            try HotStorePartitionTests.rowsPerPartition(db, "readings") == [
                "readings_20260101": 3840, "readings_20260102": 3840, "readings_20260103": 3840,
                "readings_20260104": 3840 + 480,
            ])
        // 2025-12-31 23:30 UTC is the first grid hour: its rollup lives in the day before.
        #expect(
            try db.hot.partitionDays().map(\.day) == [
                "2025-12-31", "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04",
            ])
        #expect(try db.scalar("SELECT to_regclass('readings_005')::text") == nil)
        #expect(try db.int("SELECT count(*) FROM grid_peak_hours WHERE peak_rank = 1") == 5)

        // The migrated store keeps committing: a correction of day 1 for meter 3 wins and rollups stay exact.
        let job = try db.makeRunningJob("after-migration.csv")
        let correction = makeBatch(meters: 3...3, slots: 0..<96) { _, slot in 1000 + Double(slot) / 3 }
        let result = try db.hot.commit(HotCommitParams(lease: job.lease, readings: correction))
        #expect(result == .committed(HotCommitStats(inserted: 0, replaced: 96, keptNewer: 0, transactionRuns: 1)))
        #expect(try HotStoreExactRollupTests.exactMismatches(db, zone: "Asia/Kolkata") == 0)
    }

    @Test("migration 006 on an empty store leaves partitioned, empty tables and working views")
    func migrationOfAnEmptyStore() throws {
        let db = try TestDatabase()
        #expect(try db.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'readings'::regclass") == "p")
        #expect(try db.int("SELECT count(*) FROM grid_hourly") == 0)
        #expect(try db.int("SELECT count(*) FROM grid_peak_hours") == 0)
        #expect(try db.hot.partitionDays().isEmpty)
    }
}
