import Foundation
import GreenStreamCore
import GreenStreamStore
import Postgres

/// The fresh-day-partition scenario (issue 12): three files of one UTC day into day partitions
/// whose autovacuum is off, so no background ANALYZE can race the commits and what the planner
/// sees of the new partitions is only what the commit itself (and this scenario) does about
/// statistics. File 1: meters 1…N × 96 readings (the day's first file); file 2: meters N+1…2N,
/// the same day (the file that stalled in bench-growth); file 3: file 1's readings again with new
/// values (a correction, every row replaced). Prints each commit's time and the partitions'
/// reltuples. Run twice:
/// - 2026-01-10, partitions never analyzed;
/// - 2026-01-11, an ANALYZE of both partitions runs while file 1's commit is in flight (after its
///   COPYs, before COMMIT), as autovacuum's can: it records 0 rows over file 1's pages. The
///   commit is held there by a lock on job_state_count_deltas, which its last statement's
///   trigger writes; the ANALYZE runs once pg_locks shows the commit waiting for it.
func freshDay(
    meters: Int, hot: HotStore, pool: ConnectionPool, url: String, claim: (String) throws -> Job
) throws {
    try freshDay(meters: meters, hot: hot, pool: pool, url: url, claim: claim, day: "2026-01-10", analyzeMidway: false)
    try freshDay(meters: meters, hot: hot, pool: pool, url: url, claim: claim, day: "2026-01-11", analyzeMidway: true)
}

/// Holds a value set on another thread (the commit run while the scenario interferes).
final class Box<T>: @unchecked Sendable {
    var value: T?
}

func freshDay(
    meters: Int, hot: HotStore, pool: ConnectionPool, url: String, claim: (String) throws -> Job, day: String,
    analyzeMidway: Bool
) throws {
    let compact = day.replacingOccurrences(of: "-", with: "")
    let dayStart = Int64(analyzeMidway ? 1_768_089_600_000_000 : 1_768_003_200_000_000)  // 00:00Z in µs
    try hot.ensurePartitions(fromDay: day, throughDay: day)
    try pool.withConnection { c in
        try c.execute(
            unsafeSQL: """
                ALTER TABLE readings_\(compact) SET (autovacuum_enabled = false);
                ALTER TABLE meter_hourly_\(compact) SET (autovacuum_enabled = false)
                """)
    }
    func file(_ firstMeter: Int64, offset: Double) -> ReadingBatch {
        var batch = ReadingBatch()
        batch.reserveCapacity(meters * 96)
        for meter in firstMeter..<(firstMeter + Int64(meters)) {
            for slot in 0..<96 {
                let ts = dayStart + Int64(slot) * 900_000_000
                let hour = UInt8(slot / 4)
                batch.append(
                    meterID: meter, ts: ts, kw: Double(meter % 17) * 0.25 + Double(slot % 9) + offset,
                    quality: .measured, hourOfDay: hour, isPeakWindow: (17..<21).contains(hour))
            }
        }
        return batch
    }
    func statistics() throws -> String {
        try pool.withConnection { c in
            try c.query(
                """
                SELECT string_agg(relname || ' reltuples=' || reltuples::bigint, ', ' ORDER BY relname) AS s
                FROM pg_class WHERE relname IN ($1, $2)
                """, [.text("readings_\(compact)"), .text("meter_hourly_\(compact)")]
            ).row(0).string("s")
        }
    }
    print("")
    print(
        "fresh day \(day): 3 files of \(meters) meters × 96 readings, partitions with autovacuum off, "
            + (analyzeMidway ? "ANALYZE of both while file 1 is in flight" : "never analyzed by anyone else"))
    print("| file | readings | seconds | rows/s | partitions after |")
    print("| --- | ---: | ---: | ---: | --- |")
    let files: [(String, ReadingBatch, Bool)] = [
        ("1: first file of the day", file(1, offset: 0), false),
        ("2: other meters, same day", file(Int64(meters) + 1, offset: 0), false),
        ("3: correction of file 1", file(1, offset: 0.5), true),
    ]
    for (name, batch, isCorrection) in files {
        let job = try claim("fresh-day-\(day)-\(name.prefix(1)).csv")
        var result: HotCommitResult?
        let time: Double
        if analyzeMidway && name.hasPrefix("1") {
            let holder = try PostgresConnection.connect(url: url)
            try holder.execute(unsafeSQL: "BEGIN; LOCK TABLE job_state_count_deltas IN EXCLUSIVE MODE")
            let box = Box<Result<HotCommitResult, Error>>()
            let done = DispatchSemaphore(value: 0)
            let start = DispatchTime.now().uptimeNanoseconds
            Thread.detachNewThread {
                box.value = Result { try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) }
                done.signal()
            }
            let watcher = try PostgresConnection.connect(url: url)
            while try watcher.query(
                """
                SELECT count(*) AS n FROM pg_locks
                WHERE relation = 'job_state_count_deltas'::regclass AND NOT granted
                """
            ).row(0).int("n") == 0 {
                usleep(20_000)  // polling pg_locks: the commit gives no other signal from inside
            }
            try watcher.execute(unsafeSQL: "ANALYZE readings_\(compact), meter_hourly_\(compact)")
            try holder.execute(unsafeSQL: "COMMIT")
            done.wait()
            time = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            result = try box.value?.get()
        } else {
            time = try seconds { result = try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) }
        }
        guard case .committed(let stats) = result,
            isCorrection ? stats.replaced == batch.count : stats.inserted == batch.count
        else { throw BenchServer.Failure(description: "file \(name): \(String(describing: result))") }
        print(
            "| \(name) | \(batch.count) | \(String(format: "%.2f", time)) | \(Int(Double(batch.count) / time)) | "
                + "\(try statistics()) |")
    }
}
