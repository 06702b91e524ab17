// The cold archive's write protocol (R-P-1). A job's files are first staged, then published as
// part of its commit, then the staging record is finalized:
//
//   stage(job)    write every date's file under archive/.staging/job-<id>/, then its MANIFEST
//   publish(job)  rename each staged file to archive/readings/date=…/part-<id>.parquet
//   finalize(job) drop the staging record, once the job's `succeeded` state is committed
//   discard(job)  undo: remove the staged files and any already published ones
//
// Every step is idempotent, and the MANIFEST survives until finalize, so after a crash the
// coordinator can finish (publish + finalize) a committed job or undo (discard) any other job
// listed by stagedJobIDs(). Each file is fsynced before its rename and each directory after.
import GreenStreamCore
import Parquet

/// A job's files as staged: which dates, and where they will be published.
public struct StagedArchive: Sendable, Equatable {
    /// The job.
    public var jobID: Int64
    /// The UTC dates, ascending; one file each.
    public var dates: [UTCDate]
    /// Rows written, over all dates.
    public var rowCount: Int
    /// Where each date's file is published, in `dates` order.
    public var publishedFiles: [String]
}

/// Writes, publishes and discards jobs' Parquet files in the cold archive.
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

    /// Stages a job's files, one per UTC date of its readings. Staging a job again first undoes its
    /// previous staging (and anything of it already published), so re-running a job rewrites the same paths.
    /// - Throws: ``ArchiveError`` for an invalid job id, an out-of-range timestamp or a failed write.
    @discardableResult
    public func stage(jobID: Int64, batch: ReadingBatch, source: ArchiveSource) throws -> StagedArchive {
        let files = try ArchiveFile.encode(jobID: jobID, batch: batch, source: source, options: options)
        return try stage(jobID: jobID, files: files)
    }

    /// Stages files already encoded (by a worker's T3, say) with ``ArchiveFile/encode(jobID:batch:source:options:)``.
    /// - Throws: ``ArchiveError`` for an invalid job id, repeated dates or a failed write.
    @discardableResult
    public func stage(jobID: Int64, files: [ArchiveFile]) throws -> StagedArchive {
        guard jobID > 0 else { throw ArchiveError.invalidJobID(jobID) }
        let dates = files.map(\.date).sorted()
        guard Set(dates).count == dates.count else { throw ArchiveError.duplicateDate(jobID: jobID) }
        try discard(jobID: jobID)
        for file in files {
            let path = layout.stagedFile(jobID: jobID, date: file.date)
            try DurableFiles.makeDirectories(DurableFiles.split(path).directory)
            try DurableFiles.writeAtomically(file.bytes, to: path)
        }
        try DurableFiles.makeDirectories(layout.stagingDirectory(jobID: jobID))
        try DurableFiles.writeAtomically(
            Array(dates.map { "date=\($0)\n" }.joined().utf8), to: layout.manifest(jobID: jobID))
        return StagedArchive(
            jobID: jobID, dates: dates, rowCount: files.reduce(0) { $0 + $1.rowCount },
            publishedFiles: dates.map { layout.publishedFile(jobID: jobID, date: $0) })
    }

    /// Moves a staged job's files into `archive/readings`. Safe to repeat, also after a crash part-way.
    /// - Returns: the published paths.
    /// - Throws: ``ArchiveError/notStaged(jobID:)`` when the job has no complete staging record.
    @discardableResult
    public func publish(jobID: Int64) throws -> [String] {
        let dates = try stagedDates(jobID: jobID)
        var published: [String] = []
        for date in dates {
            let staged = layout.stagedFile(jobID: jobID, date: date)
            let target = layout.publishedFile(jobID: jobID, date: date)
            if DurableFiles.exists(staged) {
                try DurableFiles.makeDirectories(layout.partitionDirectory(date))
                try DurableFiles.rename(staged, to: target)
            } else if !DurableFiles.exists(target) {
                throw ArchiveError.stagedFileMissing(path: staged)
            }
            published.append(target)
        }
        return published
    }

    /// Drops a job's staging record after its commit; the published files stay. Idempotent.
    public func finalize(jobID: Int64) throws {
        guard DurableFiles.isDirectory(layout.stagingDirectory(jobID: jobID)) else { return }
        try DurableFiles.removeTree(layout.stagingDirectory(jobID: jobID))
        try DurableFiles.syncDirectory(layout.stagingRoot)
    }

    /// Undoes a job: removes its staged files and the published files its staging record names. Idempotent.
    public func discard(jobID: Int64) throws {
        guard DurableFiles.isDirectory(layout.stagingDirectory(jobID: jobID)) else { return }
        // Without a manifest the staging never completed, so nothing of it can have been published.
        if DurableFiles.exists(layout.manifest(jobID: jobID)) {
            for date in try stagedDates(jobID: jobID) {
                let directory = layout.partitionDirectory(date)
                guard DurableFiles.isDirectory(directory) else { continue }
                try DurableFiles.removeFile(layout.publishedFile(jobID: jobID, date: date))
                try DurableFiles.syncDirectory(directory)
                try DurableFiles.removeDirectoryIfEmpty(directory)
            }
        }
        try finalize(jobID: jobID)
    }

    /// Stage, publish and finalize in one go, for callers without a commit to wait for (the CLI).
    @discardableResult
    public func write(jobID: Int64, batch: ReadingBatch, source: ArchiveSource) throws -> [String] {
        try stage(jobID: jobID, batch: batch, source: source)
        let paths = try publish(jobID: jobID)
        try finalize(jobID: jobID)
        return paths
    }

    /// Jobs with a staging record (complete or not), ascending: after a restart each must be
    /// finished (publish + finalize) if its commit happened, else discarded.
    public func stagedJobIDs() throws -> [Int64] {
        try DurableFiles.list(layout.stagingRoot).compactMap(layout.jobID(stagingName:)).sorted()
    }

    /// The dates in a job's manifest.
    /// - Throws: ``ArchiveError/notStaged(jobID:)`` without a manifest,
    ///   ``ArchiveError/corruptManifest(path:)`` if it cannot be parsed.
    public func stagedDates(jobID: Int64) throws -> [UTCDate] {
        let path = layout.manifest(jobID: jobID)
        guard DurableFiles.exists(path) else { throw ArchiveError.notStaged(jobID: jobID) }
        let text = String(decoding: try DurableFiles.read(path), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            guard line.hasPrefix("date="), let date = UTCDate(String(line.dropFirst(5))) else {
                throw ArchiveError.corruptManifest(path: path)
            }
            return date
        }
    }
}
