import Foundation
import GreenStreamArchive
import GreenStreamTesting
import Parquet
import Testing

/// `greenstream transform … --format parquet`, run as the built binary (R-P-1 layout, R-P-3 footer, R-P-4 readers).
final class TransformParquetCommandTests {
    let directory: URL

    init() throws { directory = try makeTemporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: directory) }

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try ChildProcess.run(try ChildProcess.greenstreamBinary(), arguments)
        return (result.status, result.stdoutText, result.stderrText)
    }

    private func sha256(_ path: String) throws -> String {
        String(try ChildProcess.run("sha256sum", [path]).stdoutText.prefix(64))
    }

    @Test("R-P-1: inputs become jobs 1, 2, … with one Parquet file per job and UTC date, plus rejects CSVs")
    func parquetFormatWritesTheArchiveLayout() throws {
        let first = directory.appendingPathComponent("feeder.csv").path
        try """
        MeterID,Timestamp,ReadingValue,Unit
        8,2024-06-01 12:00,1,kW
        7,2024-06-01 23:30,2500,W
        7,2024-06-01 23:45,NULL,kW
        7,2024-06-02 00:00,3,kW
        7,2024-06-02 00:15,3,mW
        """.write(toFile: first, atomically: true, encoding: .utf8)
        let second = directory.appendingPathComponent("correction.csv").path
        try "MeterID,Timestamp,ReadingValue,Unit\n7,2024-06-01T23:45Z,9,kW\n".write(
            toFile: second, atomically: true, encoding: .utf8)
        let broken = directory.appendingPathComponent("broken.csv").path
        try "meter,ts\n1,2\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out").path

        let result = try run(["transform", first, broken, second, "--out", out, "--format", "parquet"])
        #expect(result.status == 1, "the broken file makes the run fail after the others")
        #expect(result.stderr.contains("missing_column"))
        let layout = ArchiveLayout(dataDirectory: out)
        #expect(
            try DurableFilesProbe.files(under: layout.readingsDirectory) == [
                "date=2024-06-01/part-1.parquet", "date=2024-06-01/part-3.parquet", "date=2024-06-02/part-1.parquet",
            ])
        #expect(
            try String(contentsOfFile: out + "/feeder/rejects.csv", encoding: .utf8)
                == "line,reason,meter_id,timestamp,reading_value,unit\n6,invalid_unit,7,2024-06-02 00:15,3,mW\n")
        #expect(!FileManager.default.fileExists(atPath: out + "/feeder/readings.csv"))

        let footer = try ParquetFooterReader.read(path: layout.publishedFile(jobID: 1, date: UTCDate("2024-06-02")!))
        #expect(footer.metadataValue(forKey: ArchiveSchema.jobIDKey) == "1")
        #expect(footer.metadataValue(forKey: ArchiveSchema.sourceFileKey) == "feeder.csv")
        #expect(footer.metadataValue(forKey: ArchiveSchema.sourceSHA256Key) == (try sha256(first)))

        let report = try PythonReaders.report("hive", layout.readingsDirectory, sortBy: ["job_id", "meter_id", "ts"])
        let t0: Int64 = 1_717_243_200_000_000  // 2024-06-01T12:00:00Z
        let quarter: Int64 = 900_000_000
        for columns in [report.pyarrow.columns, report.duckdb.columns] {
            #expect(columns["meter_id"] == ["7", "7", "7", "8", "7"])
            #expect(
                columns["ts"]
                    == Rendered.ints([t0 + 46 * quarter, t0 + 47 * quarter, t0 + 48 * quarter, t0, t0 + 47 * quarter]))
            #expect(columns["kw"] == Rendered.doubles([2.5, 2.75, 3, 1, 9]))
            #expect(columns["quality"] == ["measured", "interpolated", "measured", "measured", "measured"])
            #expect(columns["hour_of_day"] == ["23", "23", "0", "12", "23"])
            #expect(columns["job_id"] == ["1", "1", "1", "1", "3"])
            #expect(columns["date"] == ["2024-06-01", "2024-06-01", "2024-06-02", "2024-06-01", "2024-06-01"])
        }
    }

    @Test func csvFormatStaysTheDefault() throws {
        let input = directory.appendingPathComponent("m.csv").path
        try "MeterID,Timestamp,ReadingValue,Unit\n1,2024-01-01 00:00,1,kW\n".write(
            toFile: input, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out").path
        let result = try run(["transform", input, "--out", out])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/m/readings.csv"))
        #expect(!FileManager.default.fileExists(atPath: out + "/archive"))
        #expect(try run(["transform", input, "--out", out, "--format", "orc"]).status != 0)
    }
}
