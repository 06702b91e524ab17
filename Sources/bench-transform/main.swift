// bench-transform: parse + T1 + T2 + features on one thread, over ≥ 10 million
// generated readings held in memory. Not a test: run it as a release build,
//   swift run -c release bench-transform [files] [meters-per-file] [rows-per-meter] [passes] [--by-time]
// --by-time writes every meter's reading for t0, then t1, … (the transform must sort).
import GreenStreamCore
#if canImport(Glibc)
import Glibc
#endif

/// CPU time of this thread, so the figure means "one core" even on a busy machine.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let files = args.count > 0 ? args[0] : 10
let metersPerFile = args.count > 1 ? args[1] : 300
let rowsPerMeter = args.count > 2 ? args[2] : 3_500  // ~36 days of quarter hours
let passes = args.count > 3 ? args[3] : 3
let byTime = CommandLine.arguments.contains("--by-time")

var generator = FleetCSVGenerator(state: 42)
var inputs: [[UInt8]] = []
for f in 0..<files {
    inputs.append(generator.file(firstMeter: Int64(f * metersPerFile + 1), meters: metersPerFile, rowsPerMeter: rowsPerMeter, byTime: byTime))
}
let totalRows = files * metersPerFile * rowsPerMeter
let totalBytes = inputs.reduce(0) { $0 + $1.count }
print("bench-transform: \(files) files × \(metersPerFile) meters × \(rowsPerMeter) rows = \(totalRows) rows (input readings), \(totalBytes / 1_048_576) MiB in memory, \(byTime ? "rows ordered by time" : "rows grouped by meter")")

let transformer = Transformer()
let clock = ContinuousClock()
var rates: [Double] = []
var cpuRates: [Double] = []
for pass in 1...passes {
    var readings = 0
    var rejects = 0
    let cpuStart = threadCPUSeconds()
    let elapsed = clock.measure {
        for input in inputs {
            do {
                let out = try transformer.transform(input)
                readings += out.readings.count
                rejects += out.rejects.count
            } catch {
                print("unexpected failure: \(error)")
            }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let cpu = threadCPUSeconds() - cpuStart
    let rate = Double(totalRows) / seconds
    rates.append(rate)
    cpuRates.append(Double(totalRows) / cpu)
    print("pass \(pass): \(readings) readings + \(rejects) rejects in \(String(format: seconds)) s wall, \(String(format: cpu)) s CPU → \(Int(rate)) rows/s wall, \(Int(cpuRates.last!)) rows/s CPU")
}
rates.sort()
cpuRates.sort()
print("wall: best \(Int(rates.last!)) rows/s, median \(Int(rates[rates.count / 2])) rows/s")
print("CPU:  best \(Int(cpuRates.last!)) rows/s, median \(Int(cpuRates[cpuRates.count / 2])) rows/s (goal 3000000 on one core)")

func String(format seconds: Double) -> String {
    let ms = Int((seconds * 1000).rounded())
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000)"
}
