// bench-cluster: the cluster end to end (issue 9 item 6), on a fresh 2-worker local cluster that
// cluster/local.sh starts with fsync on (GS_PG_DURABLE=1). Build everything in release mode and
// run it from the repository root:
//
//   swift build -c release && .build/release/bench-cluster [--latency-files 1000] [--latency-rows 1000]
//       [--files 10] [--rows 1000000] [--keep]
//
// 1. Latency: lands --latency-files files of --latency-rows readings one at a time (write under a
//    temp name, then rename into landing/; the rename time is the landing time) and waits for
//    each job to be committed before landing the next. Committed = the first poll (every 1 ms)
//    that sees the job succeeded; jobs.finished_at (the commit transaction's start, by the
//    database's clock on this same machine) gives a lower bound. p50/p99 of both.
// 2. Throughput: --files files of --rows readings (fresh meters each), written under temp names
//    first, then renamed in together; readings/s from the first rename to the last job seen
//    committed. Next to it, in the same run on the same server: HotStore.commit of the same
//    rows (transformed in this process, not timed) into a fresh schema, the hot store's own rate.
//
// The binaries it runs are the greenstream and gsctl beside this executable (GS_BIN_DIR).
import Foundation
import GreenStreamCore
import GreenStreamStore
import GreenStreamTesting
import Postgres

struct Failure: Error, CustomStringConvertible { var description: String }

struct Options {
    var latencyFiles = 1000
    var latencyRows = 1000
    var files = 10
    var rows = 1_000_000
    var keep = false

    init(_ arguments: [String]) throws {
        var i = 1
        while i < arguments.count {
            if arguments[i] == "--keep" {
                keep = true
                i += 1
                continue
            }
            guard i + 1 < arguments.count, let value = Int(arguments[i + 1]), value >= 0 else {
                throw Failure(description: "usage: bench-cluster [--latency-files N] [--latency-rows N] [--files N] [--rows N] [--keep]")
            }
            switch arguments[i] {
            case "--latency-files": latencyFiles = value
            case "--latency-rows": latencyRows = value
            case "--files": files = value
            case "--rows": rows = value
            default: throw Failure(description: "unknown option \(arguments[i])")
            }
            i += 2
        }
        guard latencyRows % 10 == 0, rows % 1000 == 0 else {
            throw Failure(description: "--latency-rows must be a multiple of 10 and --rows of 1000 (meters × slots)")
        }
    }
}

/// Unix microseconds now, by the wall clock PostgreSQL's now() also reads.
func wallMicros() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

// MARK: the cluster

let options = try Options(CommandLine.arguments)
let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
for tool in ["greenstream", "gsctl"] where !FileManager.default.isExecutableFile(atPath: "\(binDir)/\(tool)") {
    throw Failure(description: "no \(tool) beside bench-cluster in \(binDir): run swift build -c release first")
}
let clusterDir = "/tmp/gs-bench-cluster-\(getpid())"
let localSH = FileManager.default.currentDirectoryPath + "/cluster/local.sh"
guard FileManager.default.isExecutableFile(atPath: localSH) else {
    throw Failure(description: "run bench-cluster from the repository root (no \(localSH))")
}
let env = ["GS_BIN_DIR": binDir, "GS_PG_DURABLE": "1"]
let up = try ChildProcess.run(localSH, ["up", "--workers", "2", "--dir", clusterDir], environment: env)
guard up.status == 0 else { throw Failure(description: "local.sh up failed: \(up.stderrText)") }
var exports: [String: String] = [:]
for line in up.stdoutText.split(separator: "\n") where line.hasPrefix("export ") {
    let kv = line.dropFirst(7).split(separator: "=", maxSplits: 1).map(String.init)
    if kv.count == 2 { exports[kv[0]] = kv[1] }
}
guard let dataDir = exports["GS_DATA_DIR"], let pgURL = exports["GS_PG_URL"] else {
    throw Failure(description: "local.sh up printed no exports: \(up.stdoutText)")
}
defer {
    _ = try? ChildProcess.run(localSH, ["down", "--dir", clusterDir], environment: env)
    if !options.keep { try? FileManager.default.removeItem(atPath: clusterDir) }
}
let landing = dataDir + "/landing/"
let db = try PostgresConnection.connect(url: pgURL, retryForSeconds: 30)
let settings = try ["server_version", "fsync", "synchronous_commit"].map { name in
    "\(name)=" + (try db.query("SELECT current_setting($1) AS v", [.text(name)]).row(0).string("v"))
}
print("bench-cluster: 2 workers, cluster in \(clusterDir); \(settings.joined(separator: ", "))")

/// Writes `bytes` under a temp name in landing/ (ignored by the coordinator), for `land`.
@MainActor func stage(_ name: String, _ bytes: [UInt8]) throws -> String {
    let temp = landing + ".\(name).tmp"
    guard FileManager.default.createFile(atPath: temp, contents: Data(bytes)) else {
        throw Failure(description: "cannot write \(temp)")
    }
    return temp
}

/// Renames a staged file into landing/; returns the landing time.
@MainActor func land(_ temp: String, _ name: String) throws -> Int64 {
    let t = wallMicros()
    guard rename(temp, landing + name) == 0 else { throw Failure(description: "rename \(name): errno \(errno)") }
    return t
}

/// Polls until the job of `name` is terminal; returns (state, finished_at µs, seen-at µs).
@MainActor func waitCommitted(_ name: String, deadline: Double = 300) throws -> (String, Int64, Int64) {
    let end = Date().addingTimeInterval(deadline)
    while Date() < end {
        let r = try db.query(
            "SELECT state::text AS s, gs_to_unix_micros(finished_at) AS f FROM jobs WHERE file_name = $1", [.text(name)])
        let seen = wallMicros()
        if let row = r.allRows.first, let f = try row.optionalInt("f") {
            return (try row.string("s"), f, seen)
        }
        usleep(1000)
    }
    throw Failure(description: "job of \(name) not committed within \(Int(deadline)) s; see \(clusterDir)/logs")
}

// MARK: 1. latency

if options.latencyFiles > 0 {
    let slots = options.latencyRows / 10
    var observed: [Double] = []
    var byFinishedAt: [Double] = []
    let started = Date()
    for i in 0..<options.latencyFiles {
        let name = "latency-\(i).csv"
        let first = Int64(1_000_000 + i * 10)
        let temp = try stage(name, MeterCSV.clean(meters: first...(first + 9), slots: slots))
        let landed = try land(temp, name)
        let (state, finished, seen) = try waitCommitted(name)
        guard state == "succeeded" else { throw Failure(description: "\(name) ended \(state)") }
        observed.append(Double(seen - landed) / 1000)
        byFinishedAt.append(Double(finished - landed) / 1000)
    }
    observed.sort()
    byFinishedAt.sort()
    print("")
    print(
        "latency, landing (rename) → committed, \(options.latencyFiles) files × \(options.latencyRows) readings, one at a time"
            + " (\(fmt(Date().timeIntervalSince(started))) s):")
    print("| measure | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for (label, values) in [("seen committed by a 1 ms poll (upper bound)", observed), ("jobs.finished_at (lower bound)", byFinishedAt)] {
        print("| \(label) | \(fmt(percentile(values, 0.5))) | \(fmt(percentile(values, 0.99))) | \(fmt(values.last!)) |")
    }
    print("goal p50 < 20 ms: \(percentile(observed, 0.5) < 20 ? "met" : "missed"); p99 < 100 ms: \(percentile(observed, 0.99) < 100 ? "met" : "missed")")
}

// MARK: 2. throughput

if options.files > 0 {
    let meters = 1000
    let slots = options.rows / meters
    func fileBytes(_ k: Int) -> [UInt8] {
        let first = Int64(10_000_000 + k * meters)
        return MeterCSV.clean(meters: first...(first + Int64(meters) - 1), slots: slots)
    }
    var temps: [String] = []
    for k in 0..<options.files { temps.append(try stage("throughput-\(k).csv", fileBytes(k))) }
    let before = try db.query("SELECT count(*) AS n FROM readings").row(0).int("n")
    var firstLanded: Int64 = 0
    for k in 0..<options.files {
        let t = try land(temps[k], "throughput-\(k).csv")
        if k == 0 { firstLanded = t }
    }
    var lastSeen: Int64 = 0
    var lastFinished: Int64 = 0
    for k in 0..<options.files {
        let (state, finished, seen) = try waitCommitted("throughput-\(k).csv", deadline: 1800)
        guard state == "succeeded" else { throw Failure(description: "throughput-\(k).csv ended \(state)") }
        lastSeen = max(lastSeen, seen)
        lastFinished = max(lastFinished, finished)
    }
    let total = options.files * options.rows
    let stored = try db.query("SELECT count(*) AS n FROM readings").row(0).int("n") - before
    guard stored == Int64(total) else { throw Failure(description: "stored \(stored) readings, expected \(total)") }
    let e2e = Double(total) / (Double(lastSeen - firstLanded) / 1e6)

    // The hot store's own rate for the same rows, same server, fresh schema.
    let schema = "bench_cluster_ref_\(getpid())"
    _ = try db.execute(unsafeSQL: "CREATE SCHEMA \(schema)")
    let refURL = pgURL + (pgURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
    let pool = ConnectionPool(url: refURL, maxConnections: 2)
    try pool.withConnection { c in try Migrator().migrate(c) }
    let jobs = JobStore(pool: pool)
    let hot = HotStore(pool: pool)
    var commitSeconds = 0.0
    for k in 0..<options.files {
        let output = try Transformer().transform(fileBytes(k))
        var sha = [UInt8](repeating: 0, count: 32)
        sha[0] = UInt8(k)
        _ = try jobs.jobCreate(JobCreateParams(fileName: "ref-\(k).csv", sha256: sha, sizeBytes: 1))
        guard let job = try jobs.jobClaimNext(workerID: "bench") else { throw Failure(description: "no job to claim") }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try hot.commit(HotCommitParams(lease: job.lease, readings: output.readings))
        commitSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard case .committed = result else { throw Failure(description: "reference commit \(k): \(result)") }
    }
    _ = try db.execute(unsafeSQL: "DROP SCHEMA \(schema) CASCADE")
    let reference = Double(total) / commitSeconds

    print("")
    print("throughput, \(options.files) files × \(options.rows) readings landed together, fsync on:")
    print("| measure | readings/s |")
    print("| --- | ---: |")
    print("| end to end: first rename → last job seen committed (\(fmt(Double(lastSeen - firstLanded) / 1e6, 2)) s) | \(Int(e2e)) |")
    print("| end to end by jobs.finished_at | \(Int(Double(total) / (Double(lastFinished - firstLanded) / 1e6))) |")
    print("| HotStore.commit of the same rows, one batch per file, same server (\(fmt(commitSeconds, 2)) s) | \(Int(reference)) |")
    print(
        "end to end / hot store = \(fmt(e2e / reference, 2)) (goal ≥ 0.8): \(e2e / reference >= 0.8 ? "met" : "missed");"
            + " goal ≥ 200 k readings/s: \(e2e >= 200_000 ? "met" : "missed")")
}
