// The cold archive's write protocol (R-P-1), per attempt (R-J-4). An attempt's files are first
// staged, then published as part of its commit, then the staging record is finalized:
//
//   stage(lease)    write every date's file under archive/.staging/job-<id>-a<attempt>/, then its MANIFEST
//   publish(lease)  rename each staged file to archive/readings/date=…/part-<id>.parquet
//   finalize(lease) drop the staging record, once the job's `succeeded` state is committed
//   discard(lease)  undo: remove the attempt's staged files and the published files that are its own
//
// Attempts never touch each other's files. Staging only writes inside the attempt's own directory.
// Published paths are shared by all attempts of a job (re-running a job rewrites the same paths), so a
// published file says in its footer which attempt wrote it (ArchiveSchema.attemptKey), and discard
// removes a published file only when its footer names the discarded attempt: a late, fenced attempt
// that is staged or discarded after another attempt committed leaves the committed files alone.
// Publish and discard hold the archive's lock file, so the footer check and the unlink cannot
// interleave with another attempt's rename.
//
// Every step is idempotent, and the MANIFEST survives until finalize, so after a crash the
// coordinator can finish (publish + finalize) the committed attempt of a job and undo (discard) every
// other attempt listed by stagedAttempts(). Each file is fsynced before its rename and each directory after.
import GreenStreamCore
import Parquet

/// An attempt's files as staged: which dates, and where they will be published.
public struct StagedArchive: Sendable, Equatable {
    /// The job and attempt.
    public var lease: JobLease
    /// The UTC dates, ascending; one file each.
    public var dates: [UTCDate]
    /// Rows written, over all dates.
    public var rowCount: Int
    /// Where each date's file is published, in `dates` order.
    public var publishedFiles: [String]
}

/// Writes, publishes and discards attempts' Parquet files in the cold archive.
public struct ArchiveWriter: Sendable {
    /// Where the archive lives.
    public let layout: ArchiveLayout
    /// Parquet size limits for archive files.
    public let options: ParquetWriterOptions

    /// Creates a writer for the archive under `dataDirectory`.
    public init(
        dataDirectory: String, options: ParquetWriterOptions = ParquetWriterOptions(createdBy: ArchiveSchema.createdBy)
    ) {
        layout = ArchiveLayout(dataDirectory: dataDirectory)
        self.options = options
    }

    /// Stages an attempt's files, one per UTC date of its readings. Staging the same attempt again
    /// first undoes that attempt's previous staging; other attempts of the job are not touched.
    /// - Throws: ``ArchiveError`` for an invalid lease, an out-of-range timestamp or a failed write.
    @discardableResult
    public func stage(lease: JobLease, batch: ReadingBatch, source: ArchiveSource) throws -> StagedArchive {
        let files = try ArchiveFile.encode(lease: lease, batch: batch, source: source, options: options)
        return try stage(lease: lease, files: files)
    }

    /// Stages files already encoded (by a worker's T3, say) with ``ArchiveFile/encode(lease:batch:source:options:)``.
    /// - Throws: ``ArchiveError`` for an invalid lease, repeated dates, a file whose footer names another
    ///   job or attempt (``ArchiveError/wrongAttempt(expected:found:)``) or a failed write.
    @discardableResult
    public func stage(lease: JobLease, files: [ArchiveFile]) throws -> StagedArchive {
        guard lease.jobID > 0, lease.attempt > 0 else { throw ArchiveError.invalidLease(lease) }
        let dates = files.map(\.date).sorted()
        guard Set(dates).count == dates.count else { throw ArchiveError.duplicateDate(jobID: lease.jobID) }
        // Ownership of published files rests on the footer, so a file must name this very attempt.
        for file in files {
            let footer: FileMetaData
            do { footer = try ParquetFooterReader.read(fileBytes: file.bytes) } catch {
                throw ArchiveError.wrongAttempt(expected: lease, found: nil)
            }
            let found = ArchiveSchema.lease(of: footer)
            guard found == lease else { throw ArchiveError.wrongAttempt(expected: lease, found: found) }
        }
        try discard(lease)
        for file in files {
            let path = layout.stagedFile(lease, date: file.date)
            try DurableFiles.makeDirectories(DurableFiles.split(path).directory)
            try DurableFiles.writeAtomically(file.bytes, to: path)
        }
        try DurableFiles.makeDirectories(layout.stagingDirectory(lease))
        try DurableFiles.writeAtomically(Array(dates.map { "date=\($0)\n" }.joined().utf8), to: layout.manifest(lease))
        return StagedArchive(
            lease: lease, dates: dates, rowCount: files.reduce(0) { $0 + $1.rowCount },
            publishedFiles: dates.map { layout.publishedFile(jobID: lease.jobID, date: $0) })
    }

    /// Moves an attempt's staged files into `archive/readings`, replacing what another attempt of the
    /// job published there. Only the attempt being committed may be published. Safe to repeat, also
    /// after a crash part-way.
    /// - Returns: the published paths.
    /// - Throws: ``ArchiveError/notStaged(_:)`` when the attempt has no complete staging record,
    ///   ``ArchiveError/stagedFileMissing(path:)`` when a file is neither staged nor published by it.
    @discardableResult
    public func publish(_ lease: JobLease) throws -> [String] {
        try DurableFiles.withLock(layout.lockFile) {
            let dates = try stagedDates(lease)
            var published: [String] = []
            for date in dates {
                let staged = layout.stagedFile(lease, date: date)
                let target = layout.publishedFile(jobID: lease.jobID, date: date)
                if DurableFiles.exists(staged) {
                    try DurableFiles.makeDirectories(layout.partitionDirectory(date))
                    try DurableFiles.rename(staged, to: target)
                } else if publisher(of: target) != lease {
                    throw ArchiveError.stagedFileMissing(path: staged)
                }
                published.append(target)
            }
            return published
        }
    }

    /// Drops an attempt's staging record after its commit; the published files stay. Idempotent.
    public func finalize(_ lease: JobLease) throws {
        try DurableFiles.withLock(layout.lockFile) { try dropStaging(lease) }
    }

    /// Undoes an attempt: removes its staged files and those published files its staging record
    /// names whose footer names this attempt. Files another attempt published at the same paths,
    /// a committed one's included, stay. Idempotent.
    public func discard(_ lease: JobLease) throws {
        guard DurableFiles.isDirectory(layout.stagingDirectory(lease)) else { return }
        try DurableFiles.withLock(layout.lockFile) {
            // Without a manifest the staging never completed, so nothing of it can have been published.
            if DurableFiles.exists(layout.manifest(lease)) {
                for date in try stagedDates(lease) {
                    let target = layout.publishedFile(jobID: lease.jobID, date: date)
                    guard publisher(of: target) == lease else { continue }
                    let directory = layout.partitionDirectory(date)
                    try DurableFiles.removeFile(target)
                    try DurableFiles.syncDirectory(directory)
                    try DurableFiles.removeDirectoryIfEmpty(directory)
                }
            }
            try dropStaging(lease)
        }
    }

    /// Stage, publish and finalize in one go, for callers without a commit to wait for (the CLI).
    @discardableResult
    public func write(lease: JobLease, batch: ReadingBatch, source: ArchiveSource) throws -> [String] {
        try stage(lease: lease, batch: batch, source: source)
        let paths = try publish(lease)
        try finalize(lease)
        return paths
    }

    /// Attempts with a staging record (complete or not), ordered by job and attempt: after a restart
    /// the job's committed attempt must be finished (publish + finalize), every other one discarded.
    public func stagedAttempts() throws -> [JobLease] {
        try DurableFiles.list(layout.stagingRoot).compactMap(layout.lease(stagingName:))
            .sorted { ($0.jobID, $0.attempt) < ($1.jobID, $1.attempt) }
    }

    /// The dates in an attempt's manifest.
    /// - Throws: ``ArchiveError/notStaged(_:)`` without a manifest,
    ///   ``ArchiveError/corruptManifest(path:)`` if it cannot be parsed.
    public func stagedDates(_ lease: JobLease) throws -> [UTCDate] {
        let path = layout.manifest(lease)
        guard DurableFiles.exists(path) else { throw ArchiveError.notStaged(lease) }
        let text = String(decoding: try DurableFiles.read(path), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            guard line.hasPrefix("date="), let date = UTCDate(String(line.dropFirst(5))) else {
                throw ArchiveError.corruptManifest(path: path)
            }
            return date
        }
    }

    /// The job and attempt a published file's footer names; nil when there is no such file or its
    /// footer cannot be read (then it is nobody's to remove).
    public func publisher(of path: String) -> JobLease? {
        guard DurableFiles.exists(path), let footer = try? ParquetFooterReader.readFooter(path: path) else { return nil }
        return ArchiveSchema.lease(of: footer)
    }

    private func dropStaging(_ lease: JobLease) throws {
        guard DurableFiles.isDirectory(layout.stagingDirectory(lease)) else { return }
        try DurableFiles.removeTree(layout.stagingDirectory(lease))
        try DurableFiles.syncDirectory(layout.stagingRoot)
    }
}
