import GreenStreamCore

/// One job attempt's output for the hot store.
public struct HotCommitParams: Sendable, Equatable {
    /// The attempt that produced the readings; the commit happens only if it is still current.
    public var lease: JobLease
    /// Clean readings sorted by (meter_id, ts), each (meter_id, ts) at most once.
    public var readings: ReadingBatch
    /// Rejected rows per reason, kept on the job (R-J-5).
    public var rejectCounts: [RejectReason: Int]

    public init(lease: JobLease, readings: ReadingBatch, rejectCounts: [RejectReason: Int] = [:]) {
        self.lease = lease
        self.readings = readings
        self.rejectCounts = rejectCounts
    }
}

/// What a committed job did to `readings`.
public struct HotCommitStats: Sendable, Equatable {
    /// Readings for instants not stored before.
    public var inserted: Int
    /// Stored readings from lower job ids that this job replaced (corrections).
    public var replaced: Int
    /// Readings not applied because a higher job id already stored that instant (R-H-1).
    public var keptNewer: Int
    /// Transaction runs needed (more than 1 after deadlocks or serialisation failures).
    public var transactionRuns: Int
    /// Readings not loaded because their grid hour starts before the retention window
    /// (``HotStoreSettings/retentionDays``); they are in the archive. Not part of the three above.
    public var beyondRetention: Int

    public init(inserted: Int, replaced: Int, keptNewer: Int, transactionRuns: Int, beyondRetention: Int = 0) {
        self.inserted = inserted
        self.replaced = replaced
        self.keptNewer = keptNewer
        self.transactionRuns = transactionRuns
        self.beyondRetention = beyondRetention
    }
}

/// The outcome of ``HotStore/commit(_:)``.
public enum HotCommitResult: Sendable, Equatable {
    /// Readings, rollups and the `succeeded` state committed together (R-H-3).
    case committed(HotCommitStats)
    /// Another job with the same SHA-256 had already succeeded: this one is now `duplicate`
    /// and no readings were loaded (R-J-2).
    case duplicate(of: Int64)
    /// The lease is stale (a newer attempt exists, or the job is not running): nothing changed (R-J-4).
    case fenced(currentAttempt: Int32, state: JobState)
    /// The connection died during COMMIT and the server could not be reached afterwards to
    /// find out whether it committed (R-H-3, R-J-7). Neither a success nor a failure: record no
    /// failure and keep the archive files until ``HotStore/resolveCommitOutcome(lease:)`` answers.
    case unknown
}

/// Whether an attempt's hot commit happened, as the database records it (see
/// ``HotStore/resolveCommitOutcome(lease:)``).
public enum HotCommitResolution: Sendable, Equatable {
    /// The attempt's commit is in: the job is `succeeded` (readings stored) or `duplicate`, and
    /// the attempt's history row is closed with that outcome. Publish/finalize its archive files.
    case committed(JobState)
    /// The attempt's commit did not happen and never will (its transaction is over): nothing of
    /// it is stored. Discard its archive files; the attempt failed like any sink error.
    case notCommitted
}

/// Bad input to the hot store.
public enum HotStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Readings must be strictly increasing by (meter_id, ts): sorted and without repeats.
    case readingsNotStrictlySorted(index: Int)
    /// A meter id outside 1…Int64.max (R-T1-1).
    case invalidMeterID(index: Int)
    /// An hour of day outside 0…23.
    case invalidHourOfDay(index: Int)
    /// A reading's kW is NaN or infinite.
    case nonFiniteValue(index: Int)

    public var description: String {
        switch self {
        case .readingsNotStrictlySorted(let i): "reading \(i) is not after reading \(i - 1) in (meter_id, ts) order"
        case .invalidMeterID(let i): "reading \(i) has a meter id below 1"
        case .invalidHourOfDay(let i): "reading \(i) has an hour of day outside 0…23"
        case .nonFiniteValue(let i): "reading \(i) has a non-finite kW value"
        }
    }
}
