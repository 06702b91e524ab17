import GreenStreamCore

// Swift model of worker.proto's result messages (ReportResult and its parts).

/// `greenstream.v1.RowCounts` (R-IN-7). Counts are `Int`, as in GreenStreamCore and
/// GreenStreamStore; the codec refuses wire values above `Int.max` and negative model
/// values (``WireError/valueOutOfRange(field:value:)``).
public struct RowCounts: Sendable, Equatable {
    public var rowsRead: Int
    public var measuredRows: Int
    public var interpolatedRows: Int
    public var rejectedRows: Int
    public var synthesisedSlots: Int

    public init(rowsRead: Int, measuredRows: Int, interpolatedRows: Int, rejectedRows: Int, synthesisedSlots: Int) {
        self.rowsRead = rowsRead
        self.measuredRows = measuredRows
        self.interpolatedRows = interpolatedRows
        self.rejectedRows = rejectedRows
        self.synthesisedSlots = synthesisedSlots
    }
}

/// `greenstream.v1.ArchiveFile` on the wire: a byte range of the Parquet file of one
/// UTC date (R-P-1) — the whole file, or a piece of it in a result sent in parts
/// (``ResultParts``). Not GreenStreamArchive's `ArchiveFile` (the encoder of that
/// file), hence the different name: a module may import both.
public struct ArchiveFilePart: Sendable, Equatable {
    /// "YYYY-MM-DD".
    public var utcDate: String
    /// The file's bytes starting at ``offset``.
    public var parquet: [UInt8]
    /// Where ``parquet`` starts in the file; 0 for a whole file.
    public var offset: UInt64
    /// Size of the complete file.
    public var totalSize: UInt64

    /// - Parameters:
    ///   - utcDate: "YYYY-MM-DD".
    ///   - parquet: the file's bytes, or a range of them.
    ///   - offset: where `parquet` starts (0 for a whole file).
    ///   - totalSize: size of the whole file; defaults to `parquet.count` (a whole file).
    public init(utcDate: String, parquet: [UInt8], offset: UInt64 = 0, totalSize: UInt64? = nil) {
        self.utcDate = utcDate
        self.parquet = parquet
        self.offset = offset
        self.totalSize = totalSize ?? UInt64(parquet.count)
    }

    /// True when this holds the complete file.
    public var isWhole: Bool { offset == 0 && UInt64(parquet.count) == totalSize }
}

/// `greenstream.v1.JobSuccess`: everything the coordinator commits for a job.
public struct JobSuccess: Sendable, Equatable {
    public var counts: RowCounts
    /// Rejects per reason; reasons that did not occur are absent.
    public var rejectCounts: [RejectReason: Int]
    /// Every rejected row, in file order.
    public var rejects: [Reject]
    /// The hot-store payload.
    public var readings: ReadingBatch
    /// The archive payload, in date order.
    public var archiveFiles: [ArchiveFilePart]

    public init(
        counts: RowCounts, rejectCounts: [RejectReason: Int], rejects: [Reject], readings: ReadingBatch,
        archiveFiles: [ArchiveFilePart]
    ) {
        self.counts = counts
        self.rejectCounts = rejectCounts
        self.rejects = rejects
        self.readings = readings
        self.archiveFiles = archiveFiles
    }
}

/// `greenstream.v1.JobFailure`.
public struct JobFailure: Sendable, Equatable {
    public var kind: JobFailureKind
    /// For permanent failures the spec's reason (``FileFailure/reason``).
    public var reason: String
    public var message: String

    public init(kind: JobFailureKind, reason: String, message: String = "") {
        self.kind = kind
        self.reason = reason
        self.message = message
    }

    /// A permanent failure for a whole-file problem (R-IN-3).
    public init(_ failure: FileFailure) {
        self.init(kind: .permanent, reason: failure.reason, message: failure.description)
    }
}

/// `greenstream.v1.ReportResultRequest`.
public struct ReportResultRequest: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case success(JobSuccess)
        case failure(JobFailure)
    }

    public var workerID: String
    public var job: JobLease
    public var outcome: Outcome
    /// Index of this request among the result's parts (0-based).
    public var part: UInt32
    /// Number of parts; 1 when the whole result is in this request.
    public var partCount: UInt32

    /// - Parameters:
    ///   - workerID: the reporting worker.
    ///   - job: job and attempt from the assignment.
    ///   - outcome: success payload or failure.
    ///   - part: index among the parts (see ``ResultParts``).
    ///   - partCount: number of parts; 1 for a whole result.
    public init(workerID: String, job: JobLease, outcome: Outcome, part: UInt32 = 0, partCount: UInt32 = 1) {
        self.workerID = workerID
        self.job = job
        self.outcome = outcome
        self.part = part
        self.partCount = partCount
    }
}

/// `greenstream.v1.ReportResultReply`.
public struct ReportResultReply: Sendable, Equatable {
    public var jobState: JobState

    public init(jobState: JobState) {
        self.jobState = jobState
    }
}
