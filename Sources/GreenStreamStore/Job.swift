import Foundation
import GreenStreamCore
import Postgres

/// One row of the job table.
public struct Job: Sendable, Equatable {
    public var id: Int64
    public var state: JobState
    public var fileName: String
    /// The file's SHA-256, 32 bytes.
    public var sha256: [UInt8]
    public var sizeBytes: Int64
    /// Current attempt, 1-based; 0 before the first claim.
    public var attempt: Int32
    /// 1 + retries: the attempt number after which a failure quarantines.
    public var maxAttempts: Int32
    public var workerID: String?
    /// When the running attempt's lease runs out unless a heartbeat names it; nil unless running.
    public var leaseExpiresAt: Date?
    public var nextAttemptAt: Date
    public var lastError: String?
    /// For a `duplicate`, the succeeded job with the same content.
    public var duplicateOf: Int64?
    /// Per-reason reject counts (R-J-5), set on success.
    public var rejectCounts: [RejectReason: Int]
    public var storedRows: Int64?
    public var interpolatedRows: Int64?
    public var rejectedRows: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    /// The fencing token of the current attempt.
    public var lease: JobLease { JobLease(jobID: id, attempt: attempt) }
}

/// One attempt of a job (R-J-8).
public struct JobAttemptRecord: Sendable, Equatable {
    public var attempt: Int32
    public var workerID: String
    public var startedAt: Date
    public var endedAt: Date?
    /// `succeeded`, `duplicate`, `failed` or `permanent_failure`; nil while running.
    public var outcome: String?
    public var error: String?
}

/// A job with its attempt history, for `gsctl jobs show`.
public struct JobDetail: Sendable, Equatable {
    public var job: Job
    public var attempts: [JobAttemptRecord]
}

extension Job {
    /// The column list every job query selects from `jobs` (unaliased); ``init(row:)`` reads it.
    /// The lease deadline comes from the running attempt's `attempt_leases` row.
    static let columns = """
        id, state::text AS state, file_name, encode(sha256, 'hex') AS sha256, size_bytes, attempt, max_attempts,
        worker_id,
        (SELECT extract(epoch FROM l.expires_at)::float8 FROM attempt_leases l
         WHERE l.job_id = jobs.id AND l.attempt = jobs.attempt) AS lease_expires_at,
        extract(epoch FROM next_attempt_at)::float8 AS next_attempt_at, last_error, duplicate_of,
        reject_counts::text AS reject_counts, stored_rows, interpolated_rows, rejected_rows,
        extract(epoch FROM created_at)::float8 AS created_at, extract(epoch FROM updated_at)::float8 AS updated_at,
        extract(epoch FROM finished_at)::float8 AS finished_at
        """

    init(row: QueryResult.Row) throws {
        let stateText = try row.string("state")
        guard let state = JobState(rawValue: stateText) else { throw StoreError.corruptRow("job state \(stateText)") }
        let hex = try row.string("sha256")
        guard let sha = Hex.decode(hex), sha.count == 32 else { throw StoreError.corruptRow("sha256 \(hex)") }
        id = try row.int("id")
        self.state = state
        fileName = try row.string("file_name")
        sha256 = sha
        sizeBytes = try row.int("size_bytes")
        attempt = Int32(try row.int("attempt"))
        maxAttempts = Int32(try row.int("max_attempts"))
        workerID = try row.text("worker_id")
        leaseExpiresAt = try row.optionalDouble("lease_expires_at").map(Date.init(timeIntervalSince1970:))
        nextAttemptAt = Date(timeIntervalSince1970: try row.double("next_attempt_at"))
        lastError = try row.text("last_error")
        duplicateOf = try row.optionalInt("duplicate_of")
        rejectCounts = try RejectCounts.decode(try row.string("reject_counts"))
        storedRows = try row.optionalInt("stored_rows")
        interpolatedRows = try row.optionalInt("interpolated_rows")
        rejectedRows = try row.optionalInt("rejected_rows")
        createdAt = Date(timeIntervalSince1970: try row.double("created_at"))
        updatedAt = Date(timeIntervalSince1970: try row.double("updated_at"))
        finishedAt = try row.optionalDouble("finished_at").map(Date.init(timeIntervalSince1970:))
    }
}

extension JobAttemptRecord {
    static let columns = """
        attempt, worker_id, extract(epoch FROM started_at)::float8 AS started_at,
        extract(epoch FROM ended_at)::float8 AS ended_at, outcome, error
        """

    init(row: QueryResult.Row) throws {
        attempt = Int32(try row.int("attempt"))
        workerID = try row.string("worker_id")
        startedAt = Date(timeIntervalSince1970: try row.double("started_at"))
        endedAt = try row.optionalDouble("ended_at").map(Date.init(timeIntervalSince1970:))
        outcome = try row.text("outcome")
        error = try row.text("error")
    }
}

/// Lower-case hex for SHA-256 values crossing SQL as text.
enum Hex {
    static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Per-reason reject counts as the `jobs.reject_counts` jsonb object.
enum RejectCounts {
    static func encode(_ counts: [RejectReason: Int]) -> String {
        let body = counts.sorted { $0.key < $1.key }.map { "\"\($0.key.rawValue)\":\($0.value)" }
        return "{" + body.joined(separator: ",") + "}"
    }

    static func decode(_ json: String) throws -> [RejectReason: Int] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw StoreError.corruptRow("reject_counts \(json)")
        }
        var counts: [RejectReason: Int] = [:]
        for (key, value) in object {
            guard let reason = RejectReason(rawValue: key), let n = value as? Int else {
                throw StoreError.corruptRow("reject_counts entry \(key)")
            }
            counts[reason] = n
        }
        return counts
    }
}
