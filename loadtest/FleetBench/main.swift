// bench-fleet: how fast LoadTestFleet generates a fleet's files (one thread) and its expectation.
//   swift build -c release --product bench-fleet
//   .build/release/bench-fleet [--meters 10000] [--hours 24] [--interval-minutes 15] [--files F] [--seed 1]
//                              [--clean] [--generate-only] [--write DIR]
// --write DIR also writes the files into DIR (names in landing order) and prints the expectation's
// counts, for checking a fleet by hand against a cluster.
// Figures and the commands that produced them: docs/PERFORMANCE.md, "Load-test fleet generation".
#if canImport(Glibc)
    import Glibc
#endif
import LoadTestFleet

var args = CommandLine.arguments.dropFirst()
var meters = 10_000
var hours = 24
var interval = 15
var seed: UInt64 = 1
var files: Int? = nil
var faults = FaultProfile.realistic
var generateOnly = false
var writeDir: String? = nil
while let a = args.popFirst() {
    switch a {
    case "--meters": meters = Int(args.popFirst()!)!
    case "--hours": hours = Int(args.popFirst()!)!
    case "--interval-minutes": interval = Int(args.popFirst()!)!
    case "--files": files = Int(args.popFirst()!)!
    case "--seed": seed = UInt64(args.popFirst()!)!
    case "--clean": faults = .clean
    case "--generate-only": generateOnly = true
    case "--write": writeDir = args.popFirst()!
    default: fatalError("unknown option \(a)")
    }
}
let spec = FleetSpec(meters: meters, hours: hours, intervalMinutes: interval, seed: seed, files: files, faults: faults)
let clock = ContinuousClock()
let t0 = clock.now
let fleet = Fleet(spec: spec)
var bytes = 0
for i in 0..<fleet.fileCount { bytes += fleet.fileBytes(i).count }
let generate = clock.now - t0
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
print(
    "fleet: \(meters) meters × \(hours) h @ \(interval) min = \(spec.nominalReadings) slots, \(fleet.fileCount) files")
let rate = Double(spec.nominalReadings) / seconds(generate) / 1e6
print("generate (1 thread): \(bytes) bytes in \(seconds(generate)) s = \(rate) M readings/s")
if generateOnly { exit(0) }
let t1 = clock.now
let e = fleet.expectation()
let expect = clock.now - t1
let rejected = e.rejects.values.reduce(0, +)
if let dir = writeDir {
    for i in 0..<fleet.fileCount {
        let bytes = fleet.fileBytes(i)
        guard let f = fopen(dir + "/" + fleet.fileName(i), "wb") else { fatalError("cannot write into \(dir)") }
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
        print("file \(i) \(fleet.fileName(i))\(fleet.landsAfterAllOthersEnd(i) ? " (land after all others end)" : "")")
    }
    print("hot readings \(e.hotReadings), meters \(e.meters.count), grid hours \(e.gridHourly.count)")
    print("jobs \(e.jobs)")
    for (reason, n) in e.rejects.sorted(by: { $0.key < $1.key }) { print("reject \(reason) \(n)") }
    for (day, a) in e.archiveDays.sorted(by: { $0.key < $1.key }) { print("archive \(day) \(a.rows) \(a.kwSum)") }
}
print("expectation (all cores): \(seconds(expect)) s; hot readings \(e.hotReadings), rejects \(rejected)")
