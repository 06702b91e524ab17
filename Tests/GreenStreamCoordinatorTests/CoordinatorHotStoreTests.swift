import Foundation
import GreenStreamCoordinator
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import GreenStreamTesting
import Testing

/// Issue 12, the operator's side of the hot store's day partitions: `--hot-retention` and the
/// extent in `gsctl stats`.
@Suite(.serialized)
struct CoordinatorHotStoreTests {
    @Test("Issue 12: stats carry the hot store's oldest and newest day, rows, bytes and retention")
    func statsCarryTheHotStoreExtent() async throws {
        let fx = try ClusterFixture()
        fx.hotRetentionDays = 36_500  // sampleCSV's 2024-03-01 stays inside the window
        try await fx.start()
        let client = try fx.client()
        let empty = try await client.stats()
        #expect(empty.hotStore.oldestDay == nil && empty.hotStore.newestDay == nil && empty.hotStore.rows == 0)
        #expect(empty.hotStore.retentionDays == 36_500)
        try fx.land("evening.csv", sampleCSV)
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        _ = try await client.reportResult(try ClusterFixture.result(for: assignment, worker: "w1"))
        #expect(try fx.jobState(assignment.job.jobID) == "succeeded")
        let stored = try #require(Int(try fx.scalar("SELECT count(*) FROM readings") ?? ""))
        #expect(stored > 0)
        // Rows are estimated from statistics: analyzed, the estimate is the count.
        _ = try fx.scalar("ANALYZE readings")
        let stats = try await client.stats()
        #expect(stats.hotStore.oldestDay == "2024-03-01" && stats.hotStore.newestDay == "2024-03-01")
        #expect(stats.hotStore.rows == stored)
        let bytes = try #require(
            Int(
                try fx.scalar(
                    """
                    SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
                    WHERE inhparent IN ('readings'::regclass, 'meter_hourly'::regclass)
                    """
                ) ?? ""
            )
        )
        #expect(stats.hotStore.bytes == bytes && bytes > 0)
        client.close()
        await fx.stop()
    }

    @Test("Issue 12: --hot-retention drops the day partitions older than the window at start, and logs them")
    func retentionDropsOldPartitionsAtStart() async throws {
        let fx = try ClusterFixture()
        _ = try await fx.pool.withConnection { c in try Migrator().migrate(c) }
        // Two days of readings committed before the coordinator starts: 10 days ago and yesterday.
        let now = Int64(Date().timeIntervalSince1970)
        let today = now - now % 86_400
        let old = today - 10 * 86_400
        let yesterday = today - 86_400
        let jobs = JobStore(pool: fx.pool)
        let hot = HotStore(pool: fx.pool)  // no retention: both days are loaded
        for (n, day) in [old, yesterday].enumerated() {
            var batch = ReadingBatch()
            for slot in 0..<4 {
                batch.append(
                    meterID: 7,
                    ts: day * 1_000_000 + Int64(slot) * 900_000_000,
                    kw: 1.5,
                    quality: .measured,
                    hourOfDay: 0,
                    isPeakWindow: false
                )
            }
            _ = try await jobs.jobCreate(
                JobCreateParams(
                    fileName: "d\(n).csv",
                    sha256: [UInt8](repeating: UInt8(n + 1), count: 32),
                    sizeBytes: 1
                )
            )
            let job = try #require(try await jobs.jobClaimNext(workerID: "w"))
            guard case .committed = try await hot.commit(HotCommitParams(lease: job.lease, readings: batch)) else {
                throw TestFailure("commit of day \(n) failed")
            }
        }
        let oldDay = HotStoreRetention.dayString(old / 86_400)
        let yesterdayDay = HotStoreRetention.dayString(yesterday / 86_400)
        #expect(try await hot.partitionDays().map(\.day).contains(oldDay))

        fx.hotRetentionDays = 3
        try await fx.start()
        let days = try await hot.partitionDays().map(\.day)
        #expect(!days.contains(oldDay))
        #expect(days.contains(yesterdayDay))
        // Partitions are made ahead at start: today and the next three days exist.
        #expect(days.contains(HotStoreRetention.dayString(today / 86_400 + 3)))
        #expect(try fx.scalar("SELECT count(*) FROM readings") == "4")
        #expect(
            try fx.scalar("SELECT count(*) FROM meter_hourly WHERE hour_start < $1::timestamptz", [.text(yesterdayDay)])
                == "0"
        )
        #expect(fx.logs.contains("dropped day partitions beyond the retention window"))
        #expect(fx.logs.all.contains { $0.contains("days=\(oldDay)") && $0.contains("retention_days=3") })
        let client = try fx.client()
        let stats = try await client.stats()
        #expect(stats.hotStore.oldestDay == yesterdayDay && stats.hotStore.retentionDays == 3)
        client.close()
        await fx.stop()
    }

    @Test("Issue 12: --hot-retention must be at least one day")
    func retentionIsValidated() throws {
        var configuration = CoordinatorConfiguration(
            dataDirectory: "/tmp/x",
            postgresURL: "postgresql://x",
            listenURL: "ipc:///tmp/x.ipc",
            token: "t"
        )
        configuration.hotRetentionDays = 0
        #expect(
            throws: CoordinatorError.invalidConfiguration(
                "--hot-retention must be 1…36500 days (leave it out to keep everything)"
            )
        ) { try configuration.validate() }
        configuration.hotRetentionDays = 1
        try configuration.validate()
    }
}
