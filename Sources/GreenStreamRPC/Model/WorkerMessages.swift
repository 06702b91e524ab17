import GreenStreamCore

// Swift model of worker.proto's registration, lease and heartbeat messages; field
// meanings are documented in proto/greenstream/v1/worker.proto.

/// `greenstream.v1.RegisterWorkerRequest`.
public struct RegisterWorkerRequest: Sendable, Equatable {
    public var workerID: String
    public var hostname: String
    public var softwareVersion: String
    public var maxConcurrentJobs: UInt32

    public init(workerID: String, hostname: String, softwareVersion: String, maxConcurrentJobs: UInt32) {
        self.workerID = workerID
        self.hostname = hostname
        self.softwareVersion = softwareVersion
        self.maxConcurrentJobs = maxConcurrentJobs
    }
}

/// `greenstream.v1.RegisterWorkerReply`.
public struct RegisterWorkerReply: Sendable, Equatable {
    public var heartbeatIntervalMs: UInt32
    public var maxLeaseWaitMs: UInt32
    /// The coordinator's receive limit; larger requests are refused.
    public var maxRequestBytes: UInt64

    public init(heartbeatIntervalMs: UInt32, maxLeaseWaitMs: UInt32, maxRequestBytes: UInt64) {
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.maxLeaseWaitMs = maxLeaseWaitMs
        self.maxRequestBytes = maxRequestBytes
    }
}

/// `greenstream.v1.LeaseJobRequest`: a long poll for work.
public struct LeaseJobRequest: Sendable, Equatable {
    public var workerID: String
    /// How long the coordinator may hold the request; 0 = answer at once.
    public var waitMs: UInt32

    public init(workerID: String, waitMs: UInt32) {
        self.workerID = workerID
        self.waitMs = waitMs
    }
}

/// `greenstream.v1.TransformSettings`: the SPEC §2–4 knobs sent with every job.
public struct TransformSettings: Sendable, Equatable {
    public var sourceTimeZone: String
    public var gridTimeZone: String
    public var maxKW: Double
    public var maxGapSeconds: UInt32
    public var peakStartHour: UInt32
    public var peakEndHour: UInt32
    public var maxFileBytes: UInt64

    /// Defaults are the spec's: UTC, UTC, 100 kW, 2 h, 17–21, 256 MiB.
    public init(
        sourceTimeZone: String = "UTC", gridTimeZone: String = "UTC", maxKW: Double = 100, maxGapSeconds: UInt32 = 7200,
        peakStartHour: UInt32 = 17, peakEndHour: UInt32 = 21, maxFileBytes: UInt64 = 256 << 20
    ) {
        self.sourceTimeZone = sourceTimeZone
        self.gridTimeZone = gridTimeZone
        self.maxKW = maxKW
        self.maxGapSeconds = maxGapSeconds
        self.peakStartHour = peakStartHour
        self.peakEndHour = peakEndHour
        self.maxFileBytes = maxFileBytes
    }
}

/// `greenstream.v1.JobAssignment`: one leased job.
public struct JobAssignment: Sendable, Equatable {
    public var job: JobLease
    public var fileName: String
    public var fileSHA256: String
    public var fileSize: UInt64
    /// The file's bytes, or empty when the worker must read ``sourcePath``.
    public var content: [UInt8]
    public var sourcePath: String
    public var settings: TransformSettings
    public var leaseTimeoutMs: UInt32

    public init(
        job: JobLease, fileName: String, fileSHA256: String, fileSize: UInt64, content: [UInt8] = [],
        sourcePath: String = "",
        settings: TransformSettings = .init(), leaseTimeoutMs: UInt32
    ) {
        self.job = job
        self.fileName = fileName
        self.fileSHA256 = fileSHA256
        self.fileSize = fileSize
        self.content = content
        self.sourcePath = sourcePath
        self.settings = settings
        self.leaseTimeoutMs = leaseTimeoutMs
    }
}

/// `greenstream.v1.LeaseJobReply`.
public struct LeaseJobReply: Sendable, Equatable {
    /// `nil` when no job came within the wait.
    public var assignment: JobAssignment?
    /// When no job was given: how long to wait before polling again.
    public var retryAfterMs: UInt32

    public init(assignment: JobAssignment?, retryAfterMs: UInt32 = 0) {
        self.assignment = assignment
        self.retryAfterMs = retryAfterMs
    }
}

/// `greenstream.v1.JobProgress`: one in-flight job in a heartbeat.
public struct JobProgress: Sendable, Equatable {
    public var job: JobLease
    public var stage: JobStage
    public var rowsDone: Int
    public var bytesDone: UInt64

    public init(job: JobLease, stage: JobStage, rowsDone: Int = 0, bytesDone: UInt64 = 0) {
        self.job = job
        self.stage = stage
        self.rowsDone = rowsDone
        self.bytesDone = bytesDone
    }
}

/// `greenstream.v1.HeartbeatRequest`.
public struct HeartbeatRequest: Sendable, Equatable {
    public var workerID: String
    public var inFlight: [JobProgress]

    public init(workerID: String, inFlight: [JobProgress] = []) {
        self.workerID = workerID
        self.inFlight = inFlight
    }
}

/// `greenstream.v1.HeartbeatReply`.
public struct HeartbeatReply: Sendable, Equatable {
    /// Jobs the worker must stop.
    public var cancel: [JobLease]
    /// Finish current jobs, then exit.
    public var drain: Bool

    public init(cancel: [JobLease] = [], drain: Bool = false) {
        self.cancel = cancel
        self.drain = drain
    }
}
