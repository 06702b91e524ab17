// bench-parquet: encode N archive rows (default 10 million, one job, one UTC date) into one R-P-2
// Parquet file on one thread (ArchiveFile.encode: partition by date, then encode), report rows/s
// by wall clock and by thread CPU time, then have pyarrow write the same rows with snappy and
// compare file sizes. Run: swift run -c release bench-parquet [rows] [runs]
import Foundation
import GreenStreamArchive
import GreenStreamCore
import GreenStreamTesting
import Parquet

let arguments = CommandLine.arguments
let requestedRows = arguments.count > 1 ? Int(arguments[1]) ?? 10_000_000 : 10_000_000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let slotsPerDay = 96
let meters = (requestedRows + slotsPerDay - 1) / slotsPerDay
let rows = meters * slotsPerDay
let dayStart: Int64 = 1_710_028_800_000_000  // 2024-03-10T00:00:00Z
let slotMicros: Int64 = 900_000_000

/// Deterministic rows; bench_pyarrow.py below computes the same formulas.
func makeBatch() -> ReadingBatch {
    var batch = ReadingBatch()
    batch.reserveCapacity(rows)
    for m in 0..<meters {
        for s in 0..<slotsPerDay {
            let hour = UInt8(s / 4)
            let kw = Double((m &* 7_919 &+ s &* 104_729) % 10_000) / 1000
            batch.append(
                meterID: Int64(m + 1), ts: dayStart + Int64(s) * slotMicros, kw: kw,
                quality: (m + s) % 50 == 0 ? .interpolated : .measured, hourOfDay: hour,
                isPeakWindow: hour >= 17 && hour < 21)
        }
    }
    return batch
}

let pythonScript = #"""
    import os, sys, time, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
    meters, slots, ours, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    def mod(x, k): return pc.subtract(x, pc.multiply(pc.divide(x, k), k))
    idx = pa.array(range(meters * slots), pa.int64())
    m = pc.divide(idx, slots)
    s = pc.subtract(idx, pc.multiply(m, slots))
    hour = pc.cast(pc.divide(s, 4), pa.int32())
    raw_kw = mod(pc.add(pc.multiply(m, 7919), pc.multiply(s, 104729)), 10000)
    table = pa.table({
        "meter_id": pc.add(m, 1),
        "ts": pc.cast(pc.add(pc.multiply(s, 900_000_000), 1_710_028_800_000_000), pa.timestamp("us", tz="UTC")),
        "kw": pc.divide(pc.cast(raw_kw, pa.float64()), 1000.0),
        "quality": pc.if_else(pc.equal(mod(pc.add(m, s), 50), 0), "interpolated", "measured"),
        "hour_of_day": hour,
        "is_peak_window": pc.and_(pc.greater_equal(hour, 17), pc.less(hour, 21)),
        "job_id": pa.array([1] * (meters * slots), pa.int64()),
    })
    t0 = time.perf_counter()
    pq.write_table(table, out, compression="snappy")
    seconds = time.perf_counter() - t0
    theirs = pq.read_table(ours).select(table.column_names)
    same = theirs.cast(table.schema).equals(table)
    print(os.path.getsize(out), seconds, "identical" if same else "DIFFERENT", pa.__version__)
    """#

let batch = makeBatch()
let source = try ArchiveSource(fileName: "bench.csv", sha256: String(repeating: "0", count: 64))
let date = UTCDate(microseconds: dayStart)
/// CPU time of the calling thread: steadier than wall time on a machine shared with other builds.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

var bestWall = Double.infinity
var bestCPU = Double.infinity
var bytes: [UInt8] = []
for run in 1...runs {
    let clock = ContinuousClock()
    let start = clock.now
    let cpuStart = threadCPUSeconds()
    let files = try ArchiveFile.encode(lease: JobLease(jobID: 1, attempt: 1), batch: batch, source: source)
    let cpu = threadCPUSeconds() - cpuStart
    let elapsed = clock.now - start
    precondition(files.count == 1 && files[0].date == date, "the bench rows lie on one UTC date")
    bytes = files[0].bytes
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    bestWall = min(bestWall, wall)
    bestCPU = min(bestCPU, cpu)
    print(String(format: "run %d: wall %.3f s, thread CPU %.3f s", run, wall, cpu))
}
print("rows: \(rows) (\(meters) meters × \(slotsPerDay) slots, one UTC date)")
print(
    String(
        format: "greenstream: best of %d: wall %.3f s = %.2f M rows/s; thread CPU %.3f s = %.2f M rows/s; %d bytes",
        runs, bestWall, Double(rows) / bestWall / 1e6, bestCPU, Double(rows) / bestCPU / 1e6, bytes.count))

let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-parquet-\(getpid())")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }
let ours = dir.appendingPathComponent("greenstream.parquet")
let theirs = dir.appendingPathComponent("pyarrow.parquet")
let script = dir.appendingPathComponent("bench_pyarrow.py")
try Data(bytes).write(to: ours)
try pythonScript.write(to: script, atomically: true, encoding: .utf8)

let python = ProcessInfo.processInfo.environment["GS_PYTHON"] ?? "python3"
// The shared runner (GreenStreamTesting): drains both pipes, waits through terminationHandler.
let result = try ChildProcess.run(python, [script.path, String(meters), String(slotsPerDay), ours.path, theirs.path])
let output = result.stdoutText
let fields = output.split(separator: " ").map(String.init)
guard result.status == 0, fields.count == 4, let pyarrowSize = Double(fields[0]),
    let pyarrowSeconds = Double(fields[1])
else {
    print("pyarrow comparison failed (\(python) needs pyarrow; set GS_PYTHON): \(output)\(result.stderrText)")
    exit(1)
}
print(
    String(
        format: "pyarrow %@ write_table: %.3f s, %.2f M rows/s, %.0f bytes (snappy, default dictionary and row groups)",
        fields[3].trimmingCharacters(in: .whitespacesAndNewlines), pyarrowSeconds, Double(rows) / pyarrowSeconds / 1e6,
        pyarrowSize))
print(
    String(
        format: "size ratio greenstream / pyarrow: %.3f; pyarrow reads our file as %@",
        Double(bytes.count) / pyarrowSize,
        fields[2]))
