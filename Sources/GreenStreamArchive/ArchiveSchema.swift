// R-P-2: the archive's Parquet schema, and the mapping from a ReadingBatch (plus its job id) to
// Parquet column values. R-P-3: the footer's key-value metadata.
import GreenStreamCore
import Parquet

/// The R-P-2 schema of `archive/readings` files.
public enum ArchiveSchema {
    /// Footer key holding the job id (decimal).
    public static let jobIDKey = "greenstream.job_id"
    /// Footer key holding the source file name.
    public static let sourceFileKey = "greenstream.source_file"
    /// Footer key holding the source file's SHA-256 (hex).
    public static let sourceSHA256Key = "greenstream.source_sha256"
    /// Footer key holding the file's UTC date partition, `YYYY-MM-DD`.
    public static let dateKey = "greenstream.date"
    /// Footer key holding the attempt that wrote the file (decimal): with the job id it says
    /// which attempt a published file belongs to, so a stale attempt never removes another's.
    public static let attemptKey = "greenstream.attempt"

    /// The columns, all REQUIRED, in file order.
    public static let columns: [ParquetColumn] = [
        ParquetColumn(name: "meter_id", physicalType: .int64),
        ParquetColumn(name: "ts", physicalType: .int64, logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros)),
        ParquetColumn(name: "kw", physicalType: .double),
        ParquetColumn(name: "quality", physicalType: .byteArray, logicalType: .string),
        ParquetColumn(name: "hour_of_day", physicalType: .int32),
        ParquetColumn(name: "is_peak_window", physicalType: .boolean),
        ParquetColumn(name: "job_id", physicalType: .int64),
    ]

    /// Quality names indexed by `Quality.rawValue`, the dictionary of the `quality` column.
    static let qualityDictionary: [[UInt8]] = {
        let maxRaw = Int(Quality.allCases.map(\.rawValue).max() ?? 0)
        return (0...maxRaw).map { Array((Quality(rawValue: UInt8($0))?.name ?? "").utf8) }
    }()

    /// The column values of `batch`, every row tagged with `jobID`.
    public static func columnValues(of batch: ReadingBatch, jobID: Int64) -> [ColumnValues] {
        let qualityIndices = batch.quality.map { UInt32($0.rawValue) }
        let hours = batch.hourOfDay.map { Int32($0) }
        return [
            .int64(batch.meterID), .int64(batch.ts), .double(batch.kw),
            .categorical(dictionary: qualityDictionary, indices: qualityIndices),
            .int32(hours), .boolean(batch.isPeakWindow), .int64(Array(repeating: jobID, count: batch.count)),
        ]
    }

    /// The footer metadata of one archive file.
    public static func keyValueMetadata(lease: JobLease, source: ArchiveSource, date: UTCDate) -> [KeyValue] {
        [
            KeyValue(key: jobIDKey, value: String(lease.jobID)),
            KeyValue(key: sourceFileKey, value: source.fileName),
            KeyValue(key: sourceSHA256Key, value: source.sha256),
            KeyValue(key: dateKey, value: date.description),
            KeyValue(key: attemptKey, value: String(lease.attempt)),
        ]
    }

    /// The job and attempt an archive file's footer names, or nil when it names none.
    public static func lease(of footer: FileMetaData) -> JobLease? {
        guard let job = footer.metadataValue(forKey: jobIDKey).flatMap({ Int64($0) }),
            let attempt = footer.metadataValue(forKey: attemptKey).flatMap({ Int32($0) })
        else { return nil }
        return JobLease(jobID: job, attempt: attempt)
    }

    /// Encodes one archive file: `batch` must hold one UTC date's readings ordered by (meter_id, ts).
    public static func encodeFile(
        _ batch: ReadingBatch, lease: JobLease, source: ArchiveSource, date: UTCDate,
        options: ParquetWriterOptions = ParquetWriterOptions(createdBy: createdBy)
    ) throws -> [UInt8] {
        do {
            var writer = try ParquetFileWriter(columns: columns, options: options)
            try writer.write(columnValues(of: batch, jobID: lease.jobID))
            return try writer.finish(keyValueMetadata: keyValueMetadata(lease: lease, source: source, date: date))
        } catch let error as ParquetError {
            throw ArchiveError.parquet(error.description)
        }
    }

    /// The footer's created_by for archive files.
    public static let createdBy = "greenstream version 0.1.0 (archive R-P-2)"
}
