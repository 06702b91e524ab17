// T3 as a pure step: a job's readings become one encoded Parquet file per UTC date, in memory.
// A worker can run it and ship the bytes; ArchiveWriter.stage(lease:files:) stores them.
import GreenStreamCore
import Parquet

/// One encoded archive file: a job's readings of one UTC date (R-P-1, R-P-2, R-P-3).
public struct ArchiveFile: Sendable, Equatable {
    /// The UTC date of every reading in the file.
    public var date: UTCDate
    /// Readings in the file.
    public var rowCount: Int
    /// The complete Parquet file.
    public var bytes: [UInt8]

    /// Creates a file description.
    public init(date: UTCDate, rowCount: Int, bytes: [UInt8]) {
        self.date = date
        self.rowCount = rowCount
        self.bytes = bytes
    }

    /// Encodes an attempt's readings, one file per UTC date, dates ascending; none for an empty
    /// batch. Each footer names the job and the attempt (R-P-3, ``ArchiveSchema/attemptKey``).
    /// - Throws: ``ArchiveError/invalidLease(_:)``, ``ArchiveError/timestampOutOfRange(row:microseconds:)``
    ///   or ``ArchiveError/parquet(_:)``.
    public static func encode(
        lease: JobLease, batch: ReadingBatch, source: ArchiveSource,
        options: ParquetWriterOptions = ParquetWriterOptions(createdBy: ArchiveSchema.createdBy)
    ) throws -> [ArchiveFile] {
        guard lease.jobID > 0, lease.attempt > 0 else { throw ArchiveError.invalidLease(lease) }
        return try batch.partitionedByUTCDate().map { date, rows in
            ArchiveFile(
                date: date, rowCount: rows.count,
                bytes: try ArchiveSchema.encodeFile(rows, lease: lease, source: source, date: date, options: options))
        }
    }
}
