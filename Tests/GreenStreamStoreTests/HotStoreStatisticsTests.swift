import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// Planner statistics of fresh day partitions (HotStore+Statistics.swift): after a commit into a
/// day, the next commit into it plans its per-key probes on the rows really there. Autovacuum is
/// off on the partitions, so only the commit (and the test) analyze them.
@Suite struct HotStoreStatisticsTests {
    static let meters = 200

    /// Makes 2026-01-01's partitions with autovacuum off.
    static func freshDay(_ db: TestDatabase) throws {
        try db.hot.ensurePartitions(fromDay: "2026-01-01", throughDay: "2026-01-01")
        try db.pool.withConnection { c in
            try c.execute(
                unsafeSQL: """
                    ALTER TABLE readings_20260101 SET (autovacuum_enabled = false);
                    ALTER TABLE meter_hourly_20260101 SET (autovacuum_enabled = false)
                    """)
        }
    }

    static func reltuples(_ db: TestDatabase, _ table: String) throws -> Int64 {
        try db.int("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)", [.text(table)])
    }

    /// EXPLAIN of the rollup probe for a second file of meters 201…400 (first and last hour of
    /// each), under the commit's planner settings, written as a plain join as it was before the
    /// LATERAL form of HotStore+Load.swift: its plan follows the statistics, so it shows what the
    /// statistics tell the planner (the commit's DELETEs and UPDATE still plan on them).
    static func rollupProbePlan(_ db: TestDatabase) throws -> String {
        let meters = (Int64(Self.meters) + 1)...Int64(2 * Self.meters)
        let first = HotStorePartitionTests.jan1
        let last = first + 23 * 3_600_000_000
        return try db.pool.withConnection { c in
            try c.transaction { c in
                try c.execute(
                    unsafeSQL: """
                        SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;
                        SET LOCAL enable_memoize = off; SET LOCAL enable_seqscan = off;
                        SET LOCAL enable_material = off; SET LOCAL jit = off
                        """)
                return try c.query(
                    """
                    EXPLAIN SELECT b.n FROM unnest($1::bigint[], $2::timestamptz[])
                        WITH ORDINALITY AS b(meter_id, hour_start, n)
                    JOIN meter_hourly m ON m.meter_id = b.meter_id AND m.hour_start = b.hour_start
                        AND m.hour_start BETWEEN ($3::timestamptz[])[1] AND ($3::timestamptz[])[2]
                    """,
                    [
                        .int64Array(meters.flatMap { [$0, $0] }),
                        .timestampArray(unixMicros: meters.flatMap { _ in [first, last] }),
                        .timestampArray(unixMicros: [first, last]),
                    ]
                ).rows.compactMap { $0.first ?? nil }.joined(separator: "\n")
            }
        }
    }

    @Test("R-H-3 a commit into a never-analyzed day partition leaves readings and meter_hourly analyzed")
    func commitAnalyzesAFreshPartition() throws {
        let db = try TestDatabase()
        try Self.freshDay(db)
        #expect(try Self.reltuples(db, "readings_20260101") == -1)
        let job = try db.makeRunningJob("day-1-first.csv")
        guard case .committed = try HotStoreTests.commit(db, job, meters: 1...Int64(Self.meters), slots: 0..<96)
        else { Issue.record("the file did not commit"); return }
        // ANALYZE of a table this small reads every row: the counts are exact.
        #expect(try Self.reltuples(db, "readings_20260101") == Int64(Self.meters * 96))
        #expect(try Self.reltuples(db, "meter_hourly_20260101") == Int64(Self.meters * 24))
        // The next file into the day probes the rollup by key, one probe per batch row.
        let plan = try Self.rollupProbePlan(db)
        #expect(plan.contains("Index Cond: ((meter_id = b.meter_id) AND (hour_start = b.hour_start)"), "\(plan)")
        // A second file whose rows the statistics already cover does not analyze again.
        let lastAnalyze = try db.scalar(
            "SELECT last_analyze::text FROM pg_stat_user_tables WHERE relid = 'readings_20260101'::regclass")
        let second = try db.makeRunningJob("day-1-second.csv")
        guard case .committed = try HotStoreTests.commit(db, second, meters: 201...220, slots: 0..<96)
        else { Issue.record("the second file did not commit"); return }
        #expect(
            try db.scalar(
                "SELECT last_analyze::text FROM pg_stat_user_tables WHERE relid = 'readings_20260101'::regclass")
                == lastAnalyze)
        #expect(try HotStoreTests.rollupMismatches(db, zone: "UTC") == 0)
    }

    @Test(
        "R-H-3 an ANALYZE during the day's first commit (0 rows over its pages) is redone after it: the next file's rollup probe is by key, not a nested loop over unnest"
    )
    func analyzeDuringTheFirstCommitIsRedone() throws {
        let db = try TestDatabase()
        try Self.freshDay(db)
        let job = try db.makeRunningJob("day-1-first.csv")
        // Hold the commit after its COPYs: its last statement (markSucceeded) fires a trigger that
        // inserts into job_state_count_deltas, which this transaction locks.
        let holder = try PostgresConnection.connect(url: db.url)
        try holder.execute(unsafeSQL: "BEGIN; LOCK TABLE job_state_count_deltas IN EXCLUSIVE MODE")
        let meters = Int64(Self.meters)
        let commit = BackgroundCall { try HotStoreTests.commit(db, job, meters: 1...meters, slots: 0..<96) }
        let waiting = try waitUntil {
            try db.int(
                "SELECT count(*) FROM pg_locks WHERE relation = 'job_state_count_deltas'::regclass AND NOT granted") > 0
        }
        #expect(waiting)
        // What autovacuum does when it comes at this moment: 0 live rows over the file's pages.
        try db.pool.withConnection { c in
            try c.execute(unsafeSQL: "ANALYZE readings_20260101, meter_hourly_20260101")
        }
        #expect(try Self.reltuples(db, "meter_hourly_20260101") == 0)
        try holder.execute(unsafeSQL: "COMMIT")
        guard case .committed = try commit.value() else { Issue.record("the file did not commit"); return }
        #expect(try Self.reltuples(db, "readings_20260101") == meters * 96)
        #expect(try Self.reltuples(db, "meter_hourly_20260101") == meters * 24)
        let plan = try Self.rollupProbePlan(db)
        #expect(plan.contains("Index Cond: ((meter_id = b.meter_id) AND (hour_start = b.hour_start)"), "\(plan)")
        #expect(!plan.contains("Join Filter"), "\(plan)")
    }
}
