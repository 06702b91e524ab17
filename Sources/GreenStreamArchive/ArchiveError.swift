/// Why the archive could not be written, published or discarded.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Job ids are positive (they order corrections, R-H-1).
    case invalidJobID(Int64)
    /// The source digest must be 64 lowercase hex digits (SHA-256).
    case invalidSourceDigest(String)
    /// A reading's instant lies outside years 0001–9999 (R-T1-2), so it has no partition date.
    case timestampOutOfRange(row: Int, microseconds: Int64)
    /// Two files of one job were given for the same date.
    case duplicateDate(jobID: Int64)
    /// `publish` was asked for a job that has no complete staging record.
    case notStaged(jobID: Int64)
    /// The staging record names a file that is neither staged nor published.
    case stagedFileMissing(path: String)
    /// The staging manifest cannot be parsed.
    case corruptManifest(path: String)
    /// A system call failed.
    case io(call: String, path: String, errno: Int32)
    /// The Parquet encoder refused the data.
    case parquet(String)

    public var description: String {
        switch self {
        case .invalidJobID(let id): "invalid job id \(id): job ids are positive"
        case .invalidSourceDigest(let d): "invalid source SHA-256 '\(d)': expected 64 lowercase hex digits"
        case .timestampOutOfRange(let row, let us): "row \(row): timestamp \(us) µs is outside years 0001–9999"
        case .duplicateDate(let id): "job \(id) has two archive files for one date"
        case .notStaged(let id): "job \(id) has no complete staged archive"
        case .stagedFileMissing(let path): "staged archive file \(path) is missing and was never published"
        case .corruptManifest(let path): "archive staging manifest \(path) is corrupt"
        case .io(let call, let path, let errno): "\(call)(\(path)) failed: errno \(errno)"
        case .parquet(let message): "Parquet encoding failed: \(message)"
        }
    }
}
