import Foundation
import GreenStreamArchive
import GreenStreamCore
import Parquet
import Testing

/// R-P-1 with R-J-4: staging, publishing and discarding name the attempt, and no attempt ever
/// removes files another attempt published — above all not those of the attempt that committed.
@Suite("Archive staging per (job, attempt) (R-P-1, R-J-4)")
final class ArchiveAttemptTests {
    let directory: URL
    let source: ArchiveSource

    init() throws {
        directory = try makeTemporaryDirectory()
        source = try ArchiveSource(fileName: "a.csv", sha256: String(repeating: "cd", count: 32))
    }
    deinit { try? FileManager.default.removeItem(at: directory) }

    /// `meters` meters on 2024-03-10, plus 2024-03-11 when `twoDays`.
    static func batch(meters: Int, twoDays: Bool = false) -> ReadingBatch {
        ArchiveWriterTests.batch(
            meters: meters, slots: twoDays ? 12 : 4, start: ArchiveWriterTests.march10 + 22 * ArchiveWriterTests.hour)
    }

    /// (attempt, rows) of every published file, by path relative to `archive/readings`.
    func published(_ archive: ArchiveWriter) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in try DurableFilesProbe.files(under: archive.layout.readingsDirectory) {
            let footer = try ParquetFooterReader.read(path: archive.layout.readingsDirectory + "/" + file)
            out[file] = "a\(footer.metadataValue(forKey: ArchiveSchema.attemptKey) ?? "?") rows \(footer.numRows)"
        }
        return out
    }

    @Test func aFencedAttemptStagingOrDiscardingAfterTheCommitLeavesTheCommittedFiles() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        // Attempt 1 is slow; the job is rescued and attempt 2 commits first.
        try archive.stage(lease: L(5, 1), batch: Self.batch(meters: 1), source: source)
        try archive.stage(lease: L(5, 2), batch: Self.batch(meters: 2), source: source)
        try archive.publish(L(5, 2))
        try archive.finalize(L(5, 2))
        let committed = ["date=2024-03-10/part-5.parquet": "a2 rows 8"]
        #expect(try published(archive) == committed)
        // The late attempt stages again (its worker retried) and is then refused and discarded.
        try archive.stage(lease: L(5, 1), batch: Self.batch(meters: 3), source: source)
        #expect(try published(archive) == committed)
        try archive.discard(L(5, 1))
        try archive.discard(L(5, 1))
        #expect(try published(archive) == committed)
        #expect(try archive.stagedAttempts() == [])
    }

    @Test func discardingAnAttemptThatPublishedRemovesOnlyTheFilesThatAreStillItsOwn() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        // Attempt 1 published two dates, then its commit was lost; attempt 2 writes one date and commits.
        try archive.stage(lease: L(6, 1), batch: Self.batch(meters: 1, twoDays: true), source: source)
        try archive.publish(L(6, 1))
        try archive.stage(lease: L(6, 2), batch: Self.batch(meters: 2), source: source)
        try archive.publish(L(6, 2))
        #expect(
            try published(archive) == [
                "date=2024-03-10/part-6.parquet": "a2 rows 8", "date=2024-03-11/part-6.parquet": "a1 rows 4",
            ])
        try archive.discard(L(6, 1))
        #expect(try published(archive) == ["date=2024-03-10/part-6.parquet": "a2 rows 8"])
        #expect(!FileManager.default.fileExists(atPath: archive.layout.partitionDirectory(UTCDate("2024-03-11")!)))
        // Publishing the committed attempt again (a restart) still works: its file is in place.
        #expect(try archive.publish(L(6, 2)) == [archive.layout.publishedFile(jobID: 6, date: UTCDate("2024-03-10")!)])
        try archive.finalize(L(6, 2))
        #expect(try published(archive) == ["date=2024-03-10/part-6.parquet": "a2 rows 8"])
    }

    @Test func twoAttemptsStagedConcurrentlyDoNotClash() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        let source = self.source
        let errors = ErrorBox()
        // 8 attempts of one job stage at once, each with its own row count, each twice in a row.
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let attempt = Int32(i + 1)
            for _ in 0..<2 {
                do {
                    try archive.stage(
                        lease: L(8, attempt), batch: Self.batch(meters: Int(attempt), twoDays: true), source: source)
                } catch { errors.append("\(attempt): \(error)") }
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(try archive.stagedAttempts() == (1...8).map { L(8, Int32($0)) })
        for attempt in Int32(1)...8 {
            for date in try archive.stagedDates(L(8, attempt)) {
                let footer = try ParquetFooterReader.read(path: archive.layout.stagedFile(L(8, attempt), date: date))
                #expect(ArchiveSchema.lease(of: footer) == L(8, attempt))
                #expect(footer.numRows == Int64(attempt) * (date.description == "2024-03-10" ? 8 : 4))
            }
            // No temporary file is left behind in any attempt's staging directory.
            #expect(
                try DurableFilesProbe.files(under: archive.layout.stagingDirectory(L(8, attempt)))
                    == ["MANIFEST", "date=2024-03-10/part-8.parquet", "date=2024-03-11/part-8.parquet"])
        }
        // Attempt 5 commits while the others are discarded at the same time.
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let lease = L(8, Int32(i + 1))
            do {
                if lease.attempt == 5 {
                    try archive.publish(lease)
                    try archive.finalize(lease)
                } else {
                    try archive.discard(lease)
                }
            } catch { errors.append("\(lease): \(error)") }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(
            try published(archive) == [
                "date=2024-03-10/part-8.parquet": "a5 rows 40", "date=2024-03-11/part-8.parquet": "a5 rows 20",
            ])
        #expect(try archive.stagedAttempts() == [])
    }

    @Test func stagedAttemptsListsOnlyWellFormedAttemptDirectories() throws {
        let archive = ArchiveWriter(dataDirectory: directory.path)
        try archive.stage(lease: L(12, 3), batch: Self.batch(meters: 1), source: source)
        try archive.stage(lease: L(2, 10), batch: Self.batch(meters: 1), source: source)
        for junk in ["job-5", "job-5-a0", "job-x-a1", "job-05-a1", "job-5-a1x", "job--a1", "job-5-a", "tmp"] {
            try FileManager.default.createDirectory(
                atPath: archive.layout.stagingRoot + "/" + junk, withIntermediateDirectories: true)
        }
        #expect(try archive.stagedAttempts() == [L(2, 10), L(12, 3)])
    }

    /// What a restarted coordinator does (R-P-1): finish the committed attempt, undo every other one.
    func recover(_ archive: ArchiveWriter, committed: [Int64: Int32]) throws {
        for lease in try archive.stagedAttempts() {
            if committed[lease.jobID] == lease.attempt {
                try archive.publish(lease)
                try archive.finalize(lease)
            } else {
                try archive.discard(lease)
            }
        }
    }

    @Test func crashRecoveryFinishesTheCommittedAttemptAndUndoesTheOthers() throws {
        let before = ArchiveWriter(dataDirectory: directory.path)
        // Job 1: attempt 1 published but never committed; attempt 2 published, committed, not finalized.
        try before.stage(lease: L(1, 1), batch: Self.batch(meters: 1, twoDays: true), source: source)
        try before.publish(L(1, 1))
        try before.stage(lease: L(1, 2), batch: Self.batch(meters: 2), source: source)
        try before.publish(L(1, 2))
        // Job 2: attempt 3 committed after a crash part-way through its publish (one of two renames).
        let staged = try before.stage(lease: L(2, 3), batch: Self.batch(meters: 3, twoDays: true), source: source)
        try FileManager.default.createDirectory(
            atPath: before.layout.partitionDirectory(staged.dates[0]), withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            atPath: before.layout.stagedFile(L(2, 3), date: staged.dates[0]), toPath: staged.publishedFiles[0])
        // Job 3: a stale attempt 1 staged after attempt 2 had committed and been finalized.
        try before.stage(lease: L(3, 2), batch: Self.batch(meters: 1), source: source)
        try before.publish(L(3, 2))
        try before.finalize(L(3, 2))
        try before.stage(lease: L(3, 1), batch: Self.batch(meters: 4), source: source)

        let after = ArchiveWriter(dataDirectory: directory.path)
        #expect(try after.stagedAttempts() == [L(1, 1), L(1, 2), L(2, 3), L(3, 1)])
        try recover(after, committed: [1: 2, 2: 3, 3: 2])
        #expect(
            try published(after) == [
                "date=2024-03-10/part-1.parquet": "a2 rows 8",
                "date=2024-03-10/part-2.parquet": "a3 rows 24", "date=2024-03-11/part-2.parquet": "a3 rows 12",
                "date=2024-03-10/part-3.parquet": "a2 rows 4",
            ])
        #expect(try after.stagedAttempts() == [])
    }

    @Test func crashRecoveryUndoesAPublishedAttemptWhoseCommitDidNotHappen() throws {
        let before = ArchiveWriter(dataDirectory: directory.path)
        try before.stage(lease: L(4, 1), batch: Self.batch(meters: 1, twoDays: true), source: source)
        try before.publish(L(4, 1))
        try before.stage(lease: L(4, 2), batch: Self.batch(meters: 2, twoDays: true), source: source)
        try before.publish(L(4, 2))
        let after = ArchiveWriter(dataDirectory: directory.path)
        try recover(after, committed: [:])
        #expect(try published(after) == [:])
        #expect(try after.stagedAttempts() == [])
    }
}

/// Errors collected from concurrent work.
private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}
