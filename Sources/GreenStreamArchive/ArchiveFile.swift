// T3 as a pure step: a job's readings become one encoded Parquet file per UTC date, in memory.
// A worker can run it and ship the bytes; ArchiveWriter.stage(jobID:files:) stores them.
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

    /// Encodes a job's readings, one file per UTC date, dates ascending; none for an empty batch.
    /// - Throws: ``ArchiveError/invalidJobID(_:)``, ``ArchiveError/timestampOutOfRange(row:microseconds:)``
    ///   or ``ArchiveError/parquet(_:)``.
    public static func encode(
        jobID: Int64, batch: ReadingBatch, source: ArchiveSource,
        options: ParquetWriterOptions = ParquetWriterOptions(createdBy: ArchiveSchema.createdBy)
    ) throws -> [ArchiveFile] {
        guard jobID > 0 else { throw ArchiveError.invalidJobID(jobID) }
        return try batch.partitionedByUTCDate().map { date, rows in
            ArchiveFile(
                date: date, rowCount: rows.count,
                bytes: try ArchiveSchema.encodeFile(rows, jobID: jobID, source: source, date: date, options: options))
        }
    }
}
