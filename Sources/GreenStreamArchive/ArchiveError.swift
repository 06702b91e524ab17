import GreenStreamCore

/// Why the archive could not be written, published or discarded.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Job ids are positive (they order corrections, R-H-1), and so are attempt numbers.
    case invalidLease(JobLease)
    /// The source digest must be 64 lowercase hex digits (SHA-256).
    case invalidSourceDigest(String)
    /// A reading's instant lies outside years 0001–9999 (R-T1-2), so it has no partition date.
    case timestampOutOfRange(row: Int, microseconds: Int64)
    /// Two files of one job were given for the same date.
    case duplicateDate(jobID: Int64)
    /// `publish` was asked for an attempt that has no complete staging record.
    case notStaged(JobLease)
    /// The staging record names a file that is neither staged nor published by this attempt.
    case stagedFileMissing(path: String)
    /// An encoded file handed to `stage` names another job or attempt in its footer.
    case wrongAttempt(expected: JobLease, found: JobLease?)
    /// The staging manifest cannot be parsed.
    case corruptManifest(path: String)
    /// A system call failed.
    case io(call: String, path: String, errno: Int32)
    /// The Parquet encoder refused the data.
    case parquet(String)

    public var description: String {
        switch self {
        case .invalidLease(let lease): "invalid \(lease): job ids and attempts are positive"
        case .invalidSourceDigest(let d): "invalid source SHA-256 '\(d)': expected 64 lowercase hex digits"
        case .timestampOutOfRange(let row, let us): "row \(row): timestamp \(us) µs is outside years 0001–9999"
        case .duplicateDate(let id): "job \(id) has two archive files for one date"
        case .notStaged(let lease): "\(lease) has no complete staged archive"
        case .stagedFileMissing(let path): "staged archive file \(path) is missing and was not published by its attempt"
        case .wrongAttempt(let expected, let found):
            "archive file for \(expected) names \(found.map(String.init(describing:)) ?? "no job and attempt") in its footer"
        case .corruptManifest(let path): "archive staging manifest \(path) is corrupt"
        case .io(let call, let path, let errno): "\(call)(\(path)) failed: errno \(errno)"
        case .parquet(let message): "Parquet encoding failed: \(message)"
        }
    }
}
