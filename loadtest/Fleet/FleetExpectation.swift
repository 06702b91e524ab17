/// What the cluster must hold once every job of a fleet has ended, computed from the generator's own
/// decisions (never from GreenStreamCore), so it checks the product instead of agreeing with it.
public struct FleetExpectation: Sendable, Codable {
    /// Rows `readings` must hold in the end (one per (meter_id, ts), R-H-1).
    public var hotReadings: Int
    /// Every meter that ends with at least one reading, by meter id.
    public var meters: [Int64: MeterTotals]
    /// R-F-3 for every hour with readings, keyed by the hour's start in unix seconds.
    public var gridHourly: [Int64: GridHour]
    /// All succeeded jobs' Parquet rows per UTC date "YYYY-MM-DD", superseded ones too (R-P-1, R-P-5).
    public var archiveDays: [String: ArchiveDay]
    /// Rejected rows per reason (SPEC's reason names) over all succeeded jobs.
    public var rejects: [String: Int]
    /// The exact final rows of a few meters, in ts order.
    public var sampleRows: [Int64: [ExpectedReading]]
    /// How many jobs end in which state.
    public var jobs: ExpectedJobs
    /// Relative tolerance for kW comparisons: see `kwMatches`.
    public var kwTolerance: Double
    /// Permanent-failure reason (R-IN-3) of each file expected to be quarantined, by landing index.
    public var quarantineReasons: [Int: String]
    /// Landing index of every file expected to end `duplicate`, and the index of the file it repeats.
    public var duplicateOf: [Int: Int]

    public init(
        hotReadings: Int = 0, meters: [Int64: MeterTotals] = [:], gridHourly: [Int64: GridHour] = [:],
        archiveDays: [String: ArchiveDay] = [:], rejects: [String: Int] = [:],
        sampleRows: [Int64: [ExpectedReading]] = [:], jobs: ExpectedJobs = ExpectedJobs(),
        kwTolerance: Double = FleetExpectation.defaultKWTolerance, quarantineReasons: [Int: String] = [:],
        duplicateOf: [Int: Int] = [:]
    ) {
        self.hotReadings = hotReadings
        self.meters = meters
        self.gridHourly = gridHourly
        self.archiveDays = archiveDays
        self.rejects = rejects
        self.sampleRows = sampleRows
        self.jobs = jobs
        self.kwTolerance = kwTolerance
        self.quarantineReasons = quarantineReasons
        self.duplicateOf = duplicateOf
    }

    /// 1e-9. A single reading's kW is re-derived with the product's documented operation order
    /// (docs/DECISIONS.md: value ÷ 1000 for W, kWh ÷ (interval µs ÷ 3.6e9), interpolation left to right),
    /// so it agrees to the last bit when the product parses decimals correctly rounded; sums over up to
    /// millions of rows are added in a different order (PostgreSQL, Parquet readers), which moves the
    /// result by at most about n·2⁻⁵³ relative (n ≤ 10⁷ → ~1e-9 worst case, far less in practice).
    public static let defaultKWTolerance = 1e-9

    /// Whether an actual kW value (or sum) matches the expected one: relative `kwTolerance`, with an
    /// absolute floor of `kwTolerance` kW so values at or near zero compare sanely.
    public func kwMatches(expected: Double, actual: Double) -> Bool {
        let scale = max(abs(expected), abs(actual), 1)
        return abs(expected - actual) <= kwTolerance * scale
    }
}

/// One meter's final readings in the hot store.
public struct MeterTotals: Sendable, Codable, Equatable {
    public var readings, measured, interpolated: Int
    public var kwSum: Double
    public init(readings: Int = 0, measured: Int = 0, interpolated: Int = 0, kwSum: Double = 0) {
        self.readings = readings
        self.measured = measured
        self.interpolated = interpolated
        self.kwSum = kwSum
    }
}

/// One row of `grid_hourly` (R-H-1b, R-F-3).
public struct GridHour: Sendable, Codable, Equatable {
    public var meters: Int
    public var loadKw: Double
    public init(meters: Int = 0, loadKw: Double = 0) {
        self.meters = meters
        self.loadKw = loadKw
    }
}

/// One UTC date of the archive: rows over all jobs' Parquet files and the sum of their kW.
public struct ArchiveDay: Sendable, Codable, Equatable {
    public var rows: Int
    public var kwSum: Double
    public init(rows: Int = 0, kwSum: Double = 0) {
        self.rows = rows
        self.kwSum = kwSum
    }
}

/// One final row of `readings`.
public struct ExpectedReading: Sendable, Codable, Equatable {
    /// The instant, UTC microseconds.
    public var tsMicros: Int64
    public var kw: Double
    /// `measured` or `interpolated`.
    public var quality: String
    /// Landing index of the file whose job wrote this row (job ids grow in landing order).
    public var jobOrdinal: Int
    public init(tsMicros: Int64, kw: Double, quality: String, jobOrdinal: Int) {
        self.tsMicros = tsMicros
        self.kw = kw
        self.quality = quality
        self.jobOrdinal = jobOrdinal
    }
}

/// How the fleet's jobs end: `files` = `succeeded` + `duplicate` + `quarantined`.
public struct ExpectedJobs: Sendable, Codable, Equatable {
    public var files, succeeded, duplicate, quarantined: Int
    public init(files: Int = 0, succeeded: Int = 0, duplicate: Int = 0, quarantined: Int = 0) {
        self.files = files
        self.succeeded = succeeded
        self.duplicate = duplicate
        self.quarantined = quarantined
    }
}
