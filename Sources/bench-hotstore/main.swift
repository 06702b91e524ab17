// bench-hotstore: rows/s of HotStore.commit for batches of fresh readings, next to two plain
// binary COPYs of the same rows in the same run — into an unindexed table, and into a table with
// the readings primary key. Run from the repository root:
//
//   swift run -c release bench-hotstore [--batches 10] [--rows 100000] [--meters 1000] [--corrections 5]
//   swift run -c release bench-hotstore --fresh-day-meters 20000   # files into one fresh day partition
//
// Corrections re-send the first batches (up to --corrections of them), each right after a fresh
// batch, and the ratio of each back-to-back pair is reported.
//
// Uses GS_PG_URL when set, otherwise starts (and stops) a throwaway server via cluster/postgres.sh.
import Foundation
import GreenStreamCore
import GreenStreamStore
import Postgres

struct Options {
    var batches = 10
    var rows = 100_000
    var meters = 1000
    var corrections = 5
    /// When set: only the fresh-day-partition scenario (FreshDay.swift) with this many meters per file.
    var freshDayMeters = 0

    init(_ arguments: [String]) throws {
        var i = 1
        while i < arguments.count {
            guard i + 1 < arguments.count, let value = Int(arguments[i + 1]), value > 0 else {
                throw BenchServer.Failure(
                    description: "usage: bench-hotstore [--batches N] [--rows N] [--meters N] [--corrections N] [--fresh-day-meters N]")
            }
            switch arguments[i] {
            case "--batches": batches = value
            case "--rows": rows = value
            case "--meters": meters = value
            case "--corrections": corrections = value
            case "--fresh-day-meters": freshDayMeters = value
            default: throw BenchServer.Failure(description: "unknown option \(arguments[i])")
            }
            i += 2
        }
    }
}

/// Batch `k`: `meters` meters × (rows / meters) 15-minute slots, a fresh time range per batch
/// (or, with `firstSlot`, starting at that slot).
func makeBatch(_ k: Int, _ options: Options, valueOffset: Double = 0, firstSlot: Int? = nil) -> ReadingBatch {
    let slots = options.rows / options.meters
    var batch = ReadingBatch()
    batch.reserveCapacity(options.meters * slots)
    let start: Int64 = 1_767_225_600_000_000 + Int64(firstSlot ?? k * slots) * 900_000_000
    for meter in 1...Int64(options.meters) {
        for slot in 0..<slots {
            let ts = start + Int64(slot) * 900_000_000
            let hour = UInt8((ts / 3_600_000_000) % 24)
            batch.append(
                meterID: meter, ts: ts, kw: Double(meter % 17) * 0.25 + Double(slot % 9) + valueOffset,
                quality: .measured, hourOfDay: hour, isPeakWindow: (17..<21).contains(hour))
        }
    }
    return batch
}

/// The plain COPY comparison: the seven readings columns, job id included.
func copyStream(_ batch: ReadingBatch, jobID: Int64) -> [UInt8] {
    var buffer = BinaryCopyBuffer(reservingCapacity: batch.count * 80)
    let measured = Array("measured".utf8)
    for i in 0..<batch.count {
        buffer.beginRow(fieldCount: 7)
        buffer.appendInt64(batch.meterID[i])
        buffer.appendTimestamp(unixMicros: batch.ts[i])
        buffer.appendDouble(batch.kw[i])
        buffer.appendText(utf8: measured)
        buffer.appendInt16(Int16(batch.hourOfDay[i]))
        buffer.appendBool(batch.isPeakWindow[i])
        buffer.appendInt64(jobID)
    }
    buffer.finish()
    return buffer.bytes
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func report(_ name: String, _ times: [Double], rows: Int) -> Double {
    let total = times.reduce(0, +)
    let sorted = times.sorted()
    let rate = Double(rows * times.count) / total
    let median = Double(rows) / sorted[sorted.count / 2]
    print("| \(name) | \(times.count) | \(Int(rate)) | \(Int(median)) |")
    return rate
}

let options = try Options(CommandLine.arguments)
let server = try BenchServer.acquire()
defer { server.release() }
let schema = "bench_hotstore_\(getpid())"
let admin = try PostgresConnection.connect(url: server.url)
try admin.query("SELECT set_config('search_path', 'public', false)")
try admin.execute(
    unsafeSQL: try admin.query("SELECT format('CREATE SCHEMA %I', $1::text) AS s", [.text(schema)]).row(0).string("s"))
defer {
    _ = try? admin.execute(
        unsafeSQL: (try? admin.query("SELECT format('DROP SCHEMA %I CASCADE', $1::text) AS s", [.text(schema)]).row(0)
            .string("s")) ?? "SELECT 1")
}

let url = server.url + (server.url.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
let pool = ConnectionPool(url: url, maxConnections: 2)
try pool.withConnection { c in
    try Migrator().migrate(c)
    try c.execute(
        unsafeSQL: """
            CREATE TABLE plain_unindexed (meter_id bigint, ts timestamptz, kw double precision, quality text,
                hour_of_day smallint, is_peak_window boolean, job_id bigint);
            CREATE TABLE plain_keyed (LIKE plain_unindexed, PRIMARY KEY (meter_id, ts));
            """)
}
let jobs = JobStore(pool: pool)
let hot = HotStore(pool: pool)
let settings = try pool.withConnection { c in
    try ["server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers"].map { name in
        "\(name)=" + (try c.query("SELECT current_setting($1) AS v", [.text(name)]).row(0).string("v"))
    }
}
print(
    "bench-hotstore: \(options.batches) batches × \(options.rows) readings (\(options.meters) meters); \(settings.joined(separator: ", "))"
)

struct Timings { var unindexed: [Double] = [], keyed: [Double] = [] }
var timings = Timings()
var commits: [Double] = []
var corrections: [Double] = []
var boundaryShared: [Double] = []
var rowsPerBatch = 0
func claim(_ name: String) throws -> Job {
    let sha =
        Array("\(name)-\(getpid())".utf8.prefix(32))
        + [UInt8](repeating: 7, count: max(0, 32 - "\(name)-\(getpid())".utf8.count))
    _ = try jobs.jobCreate(JobCreateParams(fileName: name, sha256: sha, sizeBytes: 1))
    guard let job = try jobs.jobClaimNext(workerID: "bench") else {
        throw BenchServer.Failure(description: "no job to claim")
    }
    return job
}
if options.freshDayMeters > 0 {
    try freshDay(meters: options.freshDayMeters, hot: hot, pool: pool, url: url, claim: claim)
    _ = try? admin.execute(
        unsafeSQL: try admin.query("SELECT format('DROP SCHEMA %I CASCADE', $1::text) AS s", [.text(schema)]).row(0)
            .string("s"))
    server.release()
    exit(0)
}
for k in 0..<options.batches {
    let batch = makeBatch(k, options)
    rowsPerBatch = batch.count
    let job = try claim("batch-\(k).csv")
    try pool.withConnection { c in
        for (table, times) in [("plain_unindexed", \.unindexed), ("plain_keyed", \Timings.keyed)]
            as [(String, WritableKeyPath<Timings, [Double]>)]
        {
            let sql = "COPY \(table) FROM STDIN (FORMAT binary)"
            timings[keyPath: times].append(
                try seconds { _ = try c.transaction { try $0.copyIn(sql, data: copyStream(batch, jobID: job.id)) } })
        }
    }
    var result: HotCommitResult?
    commits.append(try seconds { result = try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) })
    guard case .committed(let stats) = result, stats.inserted == batch.count else {
        throw BenchServer.Failure(description: "batch \(k) did not commit cleanly: \(String(describing: result))")
    }
}
// Corrections: re-send the first batches with new values under later jobs (every row collides).
// Each is paired with a fresh batch committed just before it, so that both meet the same
// machine load (other builds moved absolute rates by ±30 % within one run here).
var pairedFresh: [Double] = []
for k in 0..<min(options.corrections, options.batches) {
    let fresh = makeBatch(options.batches + 1000 + k, options)
    let freshJob = try claim("paired-fresh-\(k).csv")
    var freshResult: HotCommitResult?
    pairedFresh.append(
        try seconds { freshResult = try hot.commit(HotCommitParams(lease: freshJob.lease, readings: fresh)) })
    guard case .committed(let freshStats) = freshResult, freshStats.inserted == fresh.count else {
        throw BenchServer.Failure(description: "paired fresh batch \(k): \(String(describing: freshResult))")
    }
    let batch = makeBatch(k, options, valueOffset: 0.5)
    let job = try claim("correction-\(k).csv")
    var result: HotCommitResult?
    corrections.append(try seconds { result = try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) })
    guard case .committed(let stats) = result, stats.replaced == batch.count else {
        throw BenchServer.Failure(
            description: "correction \(k) did not replace every row: \(String(describing: result))")
    }
}
// Files whose ranges share one instant per meter with the previous file (inclusive exports).
let slotsPerBatch = options.rows / options.meters
for j in 0..<min(3, options.batches) {
    let first = (options.batches + 5) * slotsPerBatch + j * (slotsPerBatch - 1)
    let batch = makeBatch(0, options, valueOffset: Double(j), firstSlot: first)
    let job = try claim("shared-boundary-\(j).csv")
    var result: HotCommitResult?
    let time = try seconds { result = try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) }
    guard case .committed(let stats) = result, stats.inserted + stats.replaced == batch.count else {
        throw BenchServer.Failure(
            description: "boundary batch \(j) did not commit cleanly: \(String(describing: result))")
    }
    if j > 0 { boundaryShared.append(time) }  // the first of the series has nothing to share
}
let mismatches = try pool.withConnection { c in
    try c.query(
        """
        SELECT count(*) AS n
        FROM (SELECT gs_hour_start(ts, 'UTC') h, meter_id, sum(kw::numeric) s, count(*) c FROM readings GROUP BY 1, 2) s
        FULL JOIN meter_hourly mh ON mh.meter_id = s.meter_id AND mh.hour_start = s.h
        WHERE mh.meter_id IS NULL OR s.h IS NULL OR mh.kw_sum <> s.s OR mh.readings <> s.c
        """
    ).row(0).int("n")
}

print("")
print("| load (same rows, same run) | batches | rows/s overall | rows/s median batch |")
print("| --- | ---: | ---: | ---: |")
let unindexedRate = report("binary COPY, unindexed table", timings.unindexed, rows: rowsPerBatch)
let keyedRate = report("binary COPY, table with PRIMARY KEY (meter_id, ts)", timings.keyed, rows: rowsPerBatch)
let commitRate = report(
    "HotStore.commit, fresh readings (range probe, COPY readings, rollup, job state)", commits, rows: rowsPerBatch)
if !boundaryShared.isEmpty {
    _ = report(
        "HotStore.commit, fresh but sharing each meter's boundary instant with the previous file", boundaryShared,
        rows: rowsPerBatch)
}
if !corrections.isEmpty {
    _ = report("HotStore.commit, fresh readings, each just before a correction", pairedFresh, rows: rowsPerBatch)
    _ = report("HotStore.commit, corrections (every row replaces a stored one)", corrections, rows: rowsPerBatch)
}
print("")
print(
    String(
        format: "hot commit / keyed COPY = %.2f (goal ≥ 0.5); / unindexed COPY = %.2f; goal 150k rows/s: %@",
        commitRate / keyedRate, commitRate / unindexedRate, commitRate >= 150_000 ? "met" : "missed"))
if !corrections.isEmpty {
    let ratios = zip(pairedFresh, corrections).map { fresh, correction in fresh / correction }.sorted()
    print(
        String(
            format: "corrections / fresh commit, median of %d back-to-back pairs = %.2f (goal ≥ 0.5; pairs %@)",
            ratios.count, ratios[ratios.count / 2], ratios.map { String(format: "%.2f", $0) }.joined(separator: " ")))
}
print("rollup check against readings (exact): \(mismatches == 0 ? "consistent" : "\(mismatches) MISMATCHES")")
