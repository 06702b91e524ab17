import Foundation
import GreenStreamArchive
import GreenStreamCore
import Parquet
import Testing

@Suite("Cold archive layout, staging and publishing (R-P-1, R-P-2, R-P-3, R-P-4)")
final class ArchiveWriterTests {
    let directory: URL

    init() throws { directory = try makeTemporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: directory) }

    static let hour: Int64 = 3_600_000_000
    static let march10: Int64 = 1_710_028_800_000_000  // 2024-03-10T00:00:00Z
    let digest = String(repeating: "ab", count: 32)

    /// Meters 1…m, readings every 15 min from `start` for `slots` slots, sorted by (meter, ts).
    static func batch(meters: Int, slots: Int, start: Int64, kwOffset: Double = 0) -> ReadingBatch {
        var b = ReadingBatch()
        for m in 1...meters {
            for s in 0..<slots {
                let ts = start + Int64(s) * hour / 4
                let hour = UInt8((ts / Self.hour) % 24)
                b.append(
                    meterID: Int64(m) * 1_000_003, ts: ts, kw: Double(m * 100 + s) / 8 + kwOffset,
                    quality: s % 5 == 0 ? .interpolated : .measured, hourOfDay: hour,
                    isPeakWindow: (17..<21).contains(hour))
            }
        }
        return b
    }

    @Test func publishedFilesFollowTheHiveLayoutAndR_P_2Schema() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        // Job 1 spans two UTC dates (22:00 on the 10th to 01:45 on the 11th); job 2 one date.
        let job1 = Self.batch(meters: 3, slots: 16, start: Self.march10 + 22 * Self.hour)
        let job2 = Self.batch(meters: 2, slots: 8, start: Self.march10 + 12 * Self.hour, kwOffset: 0.5)
        let staged = try archive.stage(lease: L(1), batch: job1, source: ArchiveSource(fileName: "a.csv", sha256: digest))
        try archive.stage(lease: L(2), batch: job2, source: ArchiveSource(fileName: "b.csv", sha256: digest))
        #expect(staged.dates.map(\.description) == ["2024-03-10", "2024-03-11"])
        #expect(
            try DurableFilesProbe.files(under: archive.layout.readingsDirectory).isEmpty,
            "nothing visible before publish")
        #expect(try archive.stagedAttempts() == [L(1), L(2)])

        #expect(try archive.publish(L(1)) == staged.publishedFiles)
        try archive.publish(L(2))
        try archive.finalize(L(1))
        try archive.finalize(L(2))
        #expect(try archive.stagedAttempts() == [])
        #expect(
            try DurableFilesProbe.files(under: archive.layout.readingsDirectory) == [
                "date=2024-03-10/part-1.parquet", "date=2024-03-10/part-2.parquet", "date=2024-03-11/part-1.parquet",
            ])

        let footer = try ParquetFooterReader.read(path: staged.publishedFiles[0])
        #expect(
            footer.leafColumns.map(\.name) == [
                "meter_id", "ts", "kw", "quality", "hour_of_day", "is_peak_window", "job_id",
            ])
        #expect(footer.leafColumns.map(\.type) == [.int64, .int64, .double, .byteArray, .int32, .boolean, .int64])
        #expect(footer.leafColumns.allSatisfy { $0.repetition == .required })
        #expect(footer.leafColumns.map(\.logicalType)[1] == .timestamp(isAdjustedToUTC: true, unit: .micros))
        #expect(footer.metadataValue(forKey: ArchiveSchema.jobIDKey) == "1")
        #expect(footer.metadataValue(forKey: ArchiveSchema.sourceFileKey) == "a.csv")
        #expect(footer.metadataValue(forKey: ArchiveSchema.sourceSHA256Key) == digest)
        #expect(footer.metadataValue(forKey: ArchiveSchema.attemptKey) == "1")
        for chunk in footer.rowGroups.flatMap(\.columns) {
            #expect(chunk.metaData?.codec == .snappy)
            #expect(chunk.metaData?.statistics?.nullCount == 0 && chunk.metaData?.statistics?.minValue != nil)
        }
        let qualityChunk = try #require(footer.rowGroups.first?.columns[3].metaData)
        #expect(qualityChunk.dictionaryPageOffset != nil, "quality is dictionary-encoded (R-P-2)")

        let report = try PythonReaders.report(
            "hive", archive.layout.readingsDirectory, sortBy: ["job_id", "meter_id", "ts"])
        #expect(report.duckdb.types["date"] == "DATE")
        #expect(report.pyarrow.types["date"] != nil)
        let expected = [(job1, Int64(1)), (job2, Int64(2))]
        let meter = expected.flatMap { b, _ in Rendered.ints(b.meterID) }
        let ts = expected.flatMap { b, _ in Rendered.ints(b.ts) }
        let kw = expected.flatMap { b, _ in Rendered.doubles(b.kw) }
        let quality = expected.flatMap { b, _ in b.quality.map(\.name) }
        let hours = expected.flatMap { b, _ in Rendered.ints(b.hourOfDay) }
        let peak = expected.flatMap { b, _ in Rendered.bools(b.isPeakWindow) }
        let jobs = expected.flatMap { b, id in Array(repeating: String(id), count: b.count) }
        let dates = expected.flatMap { b, _ in b.ts.map { UTCDate(microseconds: $0).description } }
        for (name, column) in [
            ("meter_id", meter), ("ts", ts), ("kw", kw), ("quality", quality), ("hour_of_day", hours),
            ("is_peak_window", peak), ("job_id", jobs), ("date", dates),
        ] {
            #expect(report.pyarrow.columns[name] == column, "pyarrow \(name)")
            #expect(report.duckdb.columns[name] == column, "DuckDB \(name)")
        }
    }

    @Test func everyStepIsIdempotentAndReRunningAJobRewritesTheSamePaths() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        let source = try ArchiveSource(fileName: "a.csv", sha256: digest)
        let first = Self.batch(meters: 2, slots: 4, start: Self.march10)
        try archive.stage(lease: L(7), batch: first, source: source)
        try archive.stage(lease: L(7), batch: first, source: source)
        let paths = try archive.publish(L(7))
        #expect(try archive.publish(L(7)) == paths, "publish repeats after a crash")

        // The commit did not happen: restart undoes the attempt, published files included.
        try archive.discard(L(7))
        try archive.discard(L(7))
        #expect(try DurableFilesProbe.files(under: archive.layout.readingsDirectory).isEmpty)
        #expect(throws: ArchiveError.notStaged(L(7))) { try archive.publish(L(7)) }

        // The retry (attempt 2) writes the same path with the new content.
        let second = Self.batch(meters: 3, slots: 4, start: Self.march10)
        try archive.stage(lease: L(7, 2), batch: second, source: source)
        #expect(try archive.publish(L(7, 2)) == paths)
        try archive.finalize(L(7, 2))
        try archive.finalize(L(7, 2))
        #expect(try ParquetFooterReader.read(path: paths[0]).numRows == Int64(second.count))
    }

    @Test func crashAfterPartialPublishCanBeFinishedOrUndone() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        let twoDays = Self.batch(meters: 1, slots: 8, start: Self.march10 + 23 * Self.hour)
        let staged = try archive.stage(
            lease: L(3), batch: twoDays, source: ArchiveSource(fileName: "x.csv", sha256: digest))
        // Simulate a crash after the first of two renames.
        try FileManager.default.createDirectory(
            atPath: archive.layout.partitionDirectory(staged.dates[0]), withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            atPath: archive.layout.stagedFile(L(3), date: staged.dates[0]), toPath: staged.publishedFiles[0])
        #expect(try archive.publish(L(3)) == staged.publishedFiles)
        #expect(staged.publishedFiles.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        try archive.discard(L(3))
        #expect(staged.publishedFiles.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(try archive.stagedAttempts() == [])
    }

    @Test func emptyBatchStagesNoFiles() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        let staged = try archive.stage(
            lease: L(4), batch: ReadingBatch(), source: ArchiveSource(fileName: "e.csv", sha256: digest))
        #expect(staged.dates.isEmpty)
        #expect(try archive.publish(L(4)) == [])
    }

    @Test func badJobIdsDigestsAndTimestampsAreTypedErrors() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        let source = try ArchiveSource(fileName: "a.csv", sha256: digest)
        #expect(throws: ArchiveError.invalidLease(L(0))) {
            try archive.stage(lease: L(0), batch: ReadingBatch(), source: source)
        }
        #expect(throws: ArchiveError.invalidLease(L(1, 0))) {
            try archive.stage(lease: L(1, 0), batch: ReadingBatch(), source: source)
        }
        #expect(throws: ArchiveError.invalidSourceDigest("ABC")) { try ArchiveSource(fileName: "a", sha256: "ABC") }
        var far = ReadingBatch()
        far.append(meterID: 1, ts: Int64.max, kw: 1, quality: .measured, hourOfDay: 0, isPeakWindow: false)
        #expect(throws: ArchiveError.timestampOutOfRange(row: 0, microseconds: Int64.max)) {
            try archive.stage(lease: L(1), batch: far, source: source)
        }
    }
}

/// A lease for tests: attempt 1 unless told.
func L(_ job: Int64, _ attempt: Int32 = 1) -> JobLease { JobLease(jobID: job, attempt: attempt) }

/// Lists files below a directory, relative and sorted, to check what a dataset reader would see.
enum DurableFilesProbe {
    static func files(under root: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }
}

@Suite("Archive files encoded apart from staging (T3 on a worker)")
final class ArchiveFileTests {
    let directory: URL

    init() throws { directory = try makeTemporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: directory) }

    @Test func encodedFilesStageLikeABatch() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        let source = try ArchiveSource(fileName: "w.csv", sha256: String(repeating: "0", count: 64))
        let batch = ArchiveWriterTests.batch(
            meters: 2, slots: 12, start: ArchiveWriterTests.march10 + 22 * ArchiveWriterTests.hour)
        let files = try ArchiveFile.encode(lease: L(9), batch: batch, source: source)
        #expect(files.map(\.date.description) == ["2024-03-10", "2024-03-11"])
        #expect(files.map(\.rowCount).reduce(0, +) == batch.count)
        let staged = try archive.stage(lease: L(9), files: files)
        #expect(staged.rowCount == batch.count)
        let paths = try archive.publish(L(9))
        #expect(try paths.map { try ParquetFooterReader.read(path: $0).numRows } == files.map { Int64($0.rowCount) })
        #expect(try paths.map { try ParquetFooterReader.readFooter(path: $0).numRows } == files.map { Int64($0.rowCount) })
        #expect(throws: ArchiveError.duplicateDate(jobID: 9)) { try archive.stage(lease: L(9), files: files + files) }
        // Ownership rests on the footer, so files must name the attempt they are staged for.
        #expect(throws: ArchiveError.wrongAttempt(expected: L(9, 2), found: L(9))) {
            try archive.stage(lease: L(9, 2), files: files)
        }
    }
}
