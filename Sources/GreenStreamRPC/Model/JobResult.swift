import GreenStreamCore

// Swift model of worker.proto's result messages (ReportResult and its parts).

/// `greenstream.v1.RowCounts` (R-IN-7).
public struct RowCounts: Sendable, Equatable {
    public var rowsRead: UInt64
    public var measuredRows: UInt64
    public var interpolatedRows: UInt64
    public var rejectedRows: UInt64
    public var synthesisedSlots: UInt64

    public init(
        rowsRead: UInt64, measuredRows: UInt64, interpolatedRows: UInt64, rejectedRows: UInt64, synthesisedSlots: UInt64
    ) {
        self.rowsRead = rowsRead
        self.measuredRows = measuredRows
        self.interpolatedRows = interpolatedRows
        self.rejectedRows = rejectedRows
        self.synthesisedSlots = synthesisedSlots
    }
}

/// `greenstream.v1.ArchiveFile`: the Parquet file of one UTC date (R-P-1).
public struct ArchiveFile: Sendable, Equatable {
    /// "YYYY-MM-DD".
    public var utcDate: String
    public var parquet: [UInt8]

    public init(utcDate: String, parquet: [UInt8]) {
        self.utcDate = utcDate
        self.parquet = parquet
    }
}

/// `greenstream.v1.JobSuccess`: everything the coordinator commits for a job.
public struct JobSuccess: Sendable, Equatable {
    public var counts: RowCounts
    /// Rejects per reason; reasons that did not occur are absent.
    public var rejectCounts: [RejectReason: UInt64]
    /// Every rejected row, in file order.
    public var rejects: [Reject]
    /// The hot-store payload.
    public var readings: ReadingBatch
    /// The archive payload, in date order.
    public var archiveFiles: [ArchiveFile]

    public init(
        counts: RowCounts, rejectCounts: [RejectReason: UInt64], rejects: [Reject], readings: ReadingBatch,
        archiveFiles: [ArchiveFile]
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
    public var kind: FailureKind
    /// For permanent failures the spec's reason (``FileFailure/reason``).
    public var reason: String
    public var message: String

    public init(kind: FailureKind, reason: String, message: String = "") {
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
    public var job: JobRef
    public var outcome: Outcome

    public init(workerID: String, job: JobRef, outcome: Outcome) {
        self.workerID = workerID
        self.job = job
        self.outcome = outcome
    }
}

/// `greenstream.v1.ReportResultReply`.
public struct ReportResultReply: Sendable, Equatable {
    public var jobState: JobState

    public init(jobState: JobState) {
        self.jobState = jobState
    }
}
