import Foundation
import GreenStreamTesting
import Testing

/// Runs the built `greenstream` binary over hand-made files, as an operator would.
struct TransformCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let result = try ChildProcess.run(try ChildProcess.greenstreamBinary(), arguments)
        return Run(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gs-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("transform writes readings.csv and rejects.csv per file; a permanent failure exits 1 after the others")
    func transformsEveryFileAndReportsFailures() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("feeder.csv")
        try """
            MeterID,Timestamp,ReadingValue,Unit
            7,2024-06-01 17:00,2500,W
            7,2024-06-01 17:15,NULL,kW
            7,2024-06-01 17:30,3,kW
            7,2024-06-01 17:45,3,mW
            """.write(to: good, atomically: true, encoding: .utf8)
        let bad = dir.appendingPathComponent("broken.csv")
        try "meter,timestamp,readingvalue,unit\n1,2,3,4\n".write(to: bad, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")

        let run = try Self.run(["transform", bad.path, good.path, "--out", out.path, "--source-tz", "+02:00", "--grid-tz", "+02:00"])

        #expect(run.status == 1)
        #expect(run.stderr == "greenstream: \(bad.path): permanent failure: missing_column:meterid\n")
        #expect(run.stdout.contains("\(good.path): 4 rows: 2 measured, 1 interpolated (1 from rows), 1 rejected (invalid_unit 1)"))
        let readings = try String(contentsOf: out.appendingPathComponent("feeder/readings.csv"), encoding: .utf8)
        #expect(readings == """
            meter_id,ts,kw,quality,hour_of_day,is_peak_window
            7,2024-06-01T15:00:00.000000Z,2.5,measured,17,true
            7,2024-06-01T15:15:00.000000Z,2.75,interpolated,17,true
            7,2024-06-01T15:30:00.000000Z,3.0,measured,17,true

            """)
        let rejects = try String(contentsOf: out.appendingPathComponent("feeder/rejects.csv"), encoding: .utf8)
        #expect(rejects == "line,reason,meter_id,timestamp,reading_value,unit\n5,invalid_unit,7,2024-06-01 17:45,3,mW\n")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("broken").path))
    }

    @Test("rejected rows alone exit 0; options are validated with a clear message")
    func exitStatusAndOptions() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a.csv")
        try "meter_id,timestamp,reading_value,unit\nx,2024-01-01T00:00:00Z,1,kW\n".write(to: file, atomically: true, encoding: .utf8)
        let ok = try Self.run(["transform", file.path, "--out", dir.appendingPathComponent("o").path, "--max-gap", "90m", "--peak-window", "22-6"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("1 rejected (invalid_meter_id 1)"))
        let badZone = try Self.run(["transform", file.path, "--out", dir.path, "--source-tz", "Mars/Base"])
        #expect(badZone.status != 0)
        #expect(badZone.stderr.contains("unknown time zone 'Mars/Base'"))
        let badGap = try Self.run(["transform", file.path, "--out", dir.path, "--max-gap", "2 hours"])
        #expect(badGap.status != 0)
        #expect(badGap.stderr.contains("invalid duration"))
        // A negative number is the option's value, not another option, and gets its own error.
        let negativeMax = try Self.run(["transform", file.path, "--out", dir.path, "--max-kw", "-1"])
        #expect(negativeMax.status != 0)
        #expect(negativeMax.stderr.contains("invalid maximum kW") && !negativeMax.stderr.contains("Missing value"))
    }

    @Test("a file over --max-file-size fails too_large without being read")
    func tooLarge() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.csv")
        try String(repeating: "meter_id,timestamp,reading_value,unit\n", count: 10).write(to: file, atomically: true, encoding: .utf8)
        let run = try Self.run(["transform", file.path, "--out", dir.path, "--max-file-size", "100"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("permanent failure: too_large"))
    }
}
