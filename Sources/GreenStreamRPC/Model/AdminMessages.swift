import GreenStreamCore

// Swift model of admin.proto (gsctl); field meanings are documented there.

/// `greenstream.v1.ListJobsRequest`.
public struct ListJobsRequest: Sendable, Equatable {
    /// `nil` = every state.
    public var state: JobState?
    public var limit: UInt32
    /// Page key: jobs with smaller ids; 0 = from the newest.
    public var beforeJobID: Int64

    public init(state: JobState? = nil, limit: UInt32 = 50, beforeJobID: Int64 = 0) {
        self.state = state
        self.limit = limit
        self.beforeJobID = beforeJobID
    }
}

/// `greenstream.v1.JobSummary`: one row of `gsctl jobs list` (R-O-1).
public struct JobSummary: Sendable, Equatable {
    public var jobID: Int64
    public var state: JobState
    public var attempts: UInt32
    public var fileName: String
    public var rowsStored: Int
    public var rowsInterpolated: Int
    public var rowsRejected: Int
    public var workerID: String
    public var createdAtUs: Int64
    public var updatedAtUs: Int64
    public var error: String
    /// Rows rejected per reason; reasons that did not occur are absent (R-J-5).
    public var rejectCounts: [RejectReason: Int]

    public init(
        jobID: Int64, state: JobState, attempts: UInt32, fileName: String, rowsStored: Int = 0,
        rowsInterpolated: Int = 0,
        rowsRejected: Int = 0, workerID: String = "", createdAtUs: Int64, updatedAtUs: Int64, error: String = "",
        rejectCounts: [RejectReason: Int] = [:]
    ) {
        self.jobID = jobID
        self.state = state
        self.attempts = attempts
        self.fileName = fileName
        self.rowsStored = rowsStored
        self.rowsInterpolated = rowsInterpolated
        self.rowsRejected = rowsRejected
        self.workerID = workerID
        self.createdAtUs = createdAtUs
        self.updatedAtUs = updatedAtUs
        self.error = error
        self.rejectCounts = rejectCounts
    }
}

/// `greenstream.v1.ListJobsReply`.
public struct ListJobsReply: Sendable, Equatable {
    public var jobs: [JobSummary]
    /// 0 on the last page.
    public var nextBeforeJobID: Int64

    public init(jobs: [JobSummary], nextBeforeJobID: Int64) {
        self.jobs = jobs
        self.nextBeforeJobID = nextBeforeJobID
    }
}

/// `greenstream.v1.ShowJobRequest`.
public struct ShowJobRequest: Sendable, Equatable {
    public var jobID: Int64

    public init(jobID: Int64) { self.jobID = jobID }
}

/// `greenstream.v1.AttemptRecord`: one attempt in a job's history (R-J-8).
public struct AttemptRecord: Sendable, Equatable {
    public var attempt: UInt32
    public var workerID: String
    public var startedAtUs: Int64
    /// 0 while running.
    public var endedAtUs: Int64
    public var outcome: String
    public var error: String

    public init(
        attempt: UInt32, workerID: String, startedAtUs: Int64, endedAtUs: Int64, outcome: String, error: String = ""
    ) {
        self.attempt = attempt
        self.workerID = workerID
        self.startedAtUs = startedAtUs
        self.endedAtUs = endedAtUs
        self.outcome = outcome
        self.error = error
    }
}

/// `greenstream.v1.ShowJobReply`.
public struct ShowJobReply: Sendable, Equatable {
    public var job: JobSummary
    public var fileSHA256: String
    public var fileSize: UInt64
    public var rejectCounts: [RejectReason: Int]
    public var attempts: [AttemptRecord]

    public init(
        job: JobSummary, fileSHA256: String, fileSize: UInt64, rejectCounts: [RejectReason: Int],
        attempts: [AttemptRecord]
    ) {
        self.job = job
        self.fileSHA256 = fileSHA256
        self.fileSize = fileSize
        self.rejectCounts = rejectCounts
        self.attempts = attempts
    }
}

/// `greenstream.v1.RetryJobsRequest` (R-J-6): by ids, or by state and error.
public struct RetryJobsRequest: Sendable, Equatable {
    public var jobIDs: [Int64]
    public var state: JobState?
    public var error: String

    public init(jobIDs: [Int64] = [], state: JobState? = nil, error: String = "") {
        self.jobIDs = jobIDs
        self.state = state
        self.error = error
    }
}

/// `greenstream.v1.RetryJobsReply`.
public struct RetryJobsReply: Sendable, Equatable {
    public var retriedJobIDs: [Int64]

    public init(retriedJobIDs: [Int64]) { self.retriedJobIDs = retriedJobIDs }
}

/// `greenstream.v1.WorkerInfo`: one row of `gsctl workers list`.
public struct WorkerInfo: Sendable, Equatable {
    public var workerID: String
    public var hostname: String
    public var softwareVersion: String
    public var address: String
    public var registeredAtUs: Int64
    public var lastHeartbeatUs: Int64
    public var inFlight: [JobLease]

    public init(
        workerID: String, hostname: String, softwareVersion: String, address: String, registeredAtUs: Int64,
        lastHeartbeatUs: Int64,
        inFlight: [JobLease] = []
    ) {
        self.workerID = workerID
        self.hostname = hostname
        self.softwareVersion = softwareVersion
        self.address = address
        self.registeredAtUs = registeredAtUs
        self.lastHeartbeatUs = lastHeartbeatUs
        self.inFlight = inFlight
    }
}

/// `greenstream.v1.ListWorkersReply`.
public struct ListWorkersReply: Sendable, Equatable {
    public var workers: [WorkerInfo]

    public init(workers: [WorkerInfo]) { self.workers = workers }
}

/// `greenstream.v1.IngestFileRequest`.
public struct IngestFileRequest: Sendable, Equatable {
    public var fileName: String
    public var content: [UInt8]

    public init(fileName: String, content: [UInt8]) {
        self.fileName = fileName
        self.content = content
    }
}

/// `greenstream.v1.IngestFileReply`.
public struct IngestFileReply: Sendable, Equatable {
    public var jobID: Int64
    public var state: JobState

    public init(jobID: Int64, state: JobState) {
        self.jobID = jobID
        self.state = state
    }
}

/// `greenstream.v1.StatsReply`.
public struct StatsReply: Sendable, Equatable {
    public var jobsByState: [JobState: Int]
    public var readingsStored: Int
    public var workersAlive: UInt32
    public var parkedPolls: UInt32
    /// The hot store's extent and retention (issue 12).
    public var hotStore: HotStoreStats

    public init(
        jobsByState: [JobState: Int], readingsStored: Int, workersAlive: UInt32, parkedPolls: UInt32,
        hotStore: HotStoreStats = HotStoreStats()
    ) {
        self.jobsByState = jobsByState
        self.readingsStored = readingsStored
        self.workersAlive = workersAlive
        self.parkedPolls = parkedPolls
        self.hotStore = hotStore
    }
}

/// The `hot_*` fields of `greenstream.v1.StatsReply`: what the hot store holds, for `gsctl stats`.
public struct HotStoreStats: Sendable, Equatable {
    /// Oldest UTC day (`YYYY-MM-DD`) holding readings; nil when the hot store is empty.
    public var oldestDay: String?
    /// Newest UTC day holding readings; nil when the hot store is empty.
    public var newestDay: String?
    /// Readings stored, estimated from planner statistics per day partition.
    public var rows: Int
    /// Bytes on disk of readings and meter_hourly, indexes included.
    public var bytes: Int
    /// The coordinator's retention window in days; nil when it keeps everything.
    public var retentionDays: UInt32?

    public init(
        oldestDay: String? = nil, newestDay: String? = nil, rows: Int = 0, bytes: Int = 0, retentionDays: UInt32? = nil
    ) {
        self.oldestDay = oldestDay
        self.newestDay = newestDay
        self.rows = rows
        self.bytes = bytes
        self.retentionDays = retentionDays
    }
}

/// `greenstream.v1.PeakHoursRequest` (R-F-3).
public struct PeakHoursRequest: Sendable, Equatable {
    /// "YYYY-MM-DD" in the grid zone; "" = today.
    public var day: String
    /// 1–24; 0 = 24.
    public var top: UInt32

    public init(day: String = "", top: UInt32 = 0) {
        self.day = day
        self.top = top
    }
}

/// `greenstream.v1.PeakHour`.
public struct PeakHour: Sendable, Equatable {
    public var hourStartUs: Int64
    public var meters: UInt32
    public var loadKW: Double

    public init(hourStartUs: Int64, meters: UInt32, loadKW: Double) {
        self.hourStartUs = hourStartUs
        self.meters = meters
        self.loadKW = loadKW
    }
}

/// `greenstream.v1.PeakHoursReply`.
public struct PeakHoursReply: Sendable, Equatable {
    public var day: String
    public var gridTimeZone: String
    /// Descending by load.
    public var hours: [PeakHour]

    public init(day: String, gridTimeZone: String, hours: [PeakHour]) {
        self.day = day
        self.gridTimeZone = gridTimeZone
        self.hours = hours
    }
}
