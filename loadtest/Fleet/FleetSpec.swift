/// What fleet to generate: its size, shape, faults and the cluster settings its expectation assumes.
///
/// Everything a fleet contains follows from this value: the same spec always gives the same files,
/// byte for byte, and the same expectation (docs: loadtest/Fleet/README.md).
public struct FleetSpec: Sendable, Codable, Equatable {
    /// Seeds every random decision (loads, units, faults, layout). Default 1.
    public var seed: UInt64
    /// Number of meters. Default 10 000.
    public var meters: Int
    /// Span of the fleet's readings in hours, from `startUnixSeconds`. Default 24.
    public var hours: Int
    /// Reading interval of every meter: 5, 15, 30 or 60 minutes. Default 15.
    public var intervalMinutes: Int
    /// First reading's instant. Default 2026-03-28T00:00:00Z (the Europe/Berlin DST weekend).
    public var startUnixSeconds: Int64
    /// Data files (corrections, the duplicate and the bad file come on top). Default readings / 100 000,
    /// at least 1; clamped to what the layout can fill (every data file holds at least one row).
    public var files: Int
    /// Which faults, at which rates.
    public var faults: FaultProfile
    /// The cluster's transform settings the expectation is computed for.
    public var settings: ExpectedSettings

    /// 2026-03-28T00:00:00Z: Europe/Berlin moves to summer time at 2026-03-29T01:00:00Z.
    public static let defaultStartUnixSeconds: Int64 = 1_774_656_000

    public init(
        meters: Int = 10_000, hours: Int = 24, intervalMinutes: Int = 15, seed: UInt64 = 1,
        startUnixSeconds: Int64 = FleetSpec.defaultStartUnixSeconds, files: Int? = nil,
        faults: FaultProfile = .realistic, settings: ExpectedSettings = ExpectedSettings()
    ) {
        precondition(meters >= 1, "a fleet needs at least one meter")
        precondition(hours >= 1, "a fleet spans at least one hour")
        precondition([5, 15, 30, 60].contains(intervalMinutes), "interval must be 5, 15, 30 or 60 minutes")
        self.seed = seed
        self.meters = meters
        self.hours = hours
        self.intervalMinutes = intervalMinutes
        self.startUnixSeconds = startUnixSeconds
        let readings = meters * hours * (60 / intervalMinutes)
        self.files = max(1, files ?? readings / 100_000)
        self.faults = faults
        self.settings = settings
    }

    /// Slots per meter over the span.
    public var slotsPerMeter: Int { hours * 60 / intervalMinutes }
    /// Meter × slot count: the readings a fault-free fleet ends with.
    public var nominalReadings: Int { meters * slotsPerMeter }
}

/// The transform settings of the cluster under test (SPEC §2–4), as the coordinator takes them.
///
/// The fleet writes every timestamp with an explicit UTC offset (or, only while `sourceTimeZone` is
/// `UTC`, some without a designator), so the expectation does not depend on the source zone; DST is
/// exercised by Europe/Berlin offsets (+01:00 → +02:00 on 2026-03-29). Grid hours are keyed by their
/// UTC start, which is exact for any grid zone whose offsets are whole hours (UTC, Europe/Berlin, …).
public struct ExpectedSettings: Sendable, Codable, Equatable {
    /// `GS_SOURCE_TZ`. Default `UTC`.
    public var sourceTimeZone: String
    /// `GS_GRID_TZ`. Default `UTC`; must have whole-hour offsets for `gridHourly`'s keys to hold.
    public var gridTimeZone: String
    /// `GS_MAX_KW`. Default 100.
    public var maxKW: Double
    /// `GS_MAX_GAP` in seconds. Default 7200 (2 h).
    public var maxGapSeconds: Int
    /// `GS_MAX_FILE_BYTES`. Default 256 MiB; the fleet's files stay far below it.
    public var maxFileBytes: Int

    public init(
        sourceTimeZone: String = "UTC", gridTimeZone: String = "UTC", maxKW: Double = 100,
        maxGapSeconds: Int = 7200, maxFileBytes: Int = 256 * 1024 * 1024
    ) {
        self.sourceTimeZone = sourceTimeZone
        self.gridTimeZone = gridTimeZone
        self.maxKW = maxKW
        self.maxGapSeconds = maxGapSeconds
        self.maxFileBytes = maxFileBytes
    }

    /// The environment a cluster must be started with (cluster/local.sh passes GS_* through) for
    /// these settings; empty for the defaults.
    public var environment: [String: String] {
        let d = ExpectedSettings()
        var env: [String: String] = [:]
        if sourceTimeZone != d.sourceTimeZone { env["GS_SOURCE_TZ"] = sourceTimeZone }
        if gridTimeZone != d.gridTimeZone { env["GS_GRID_TZ"] = gridTimeZone }
        if maxKW != d.maxKW { env["GS_MAX_KW"] = "\(maxKW)" }
        if maxGapSeconds != d.maxGapSeconds { env["GS_MAX_GAP"] = "\(maxGapSeconds)s" }
        if maxFileBytes != d.maxFileBytes { env["GS_MAX_FILE_BYTES"] = "\(maxFileBytes)" }
        return env
    }
}

/// Which faults a fleet carries and how often. Rates are per data row unless named per series
/// (one meter's rows in one file) or per fleet.
public struct FaultProfile: Sendable, Codable, Equatable {
    /// Isolated missing values (`""`, `NULL`, `NA`, `N/A`, `NaN` in any case).
    public var missingValue: Double
    /// Isolated missing slots (the row is simply not written).
    public var missingSlot: Double
    /// Values below 0 kW (`negative_reading`).
    public var negative: Double
    /// Values above `maxKW` (`above_max`).
    public var spike: Double
    /// Rows that cannot be read (`malformed_row`): too few fields, a quoting error, invalid UTF-8.
    public var malformed: Double
    /// Rows with an invalid meter id, timestamp, value or unit (a quarter each).
    public var invalidField: Double
    /// Rows repeated later in the file for the same instant (`duplicate_reading`).
    public var duplicateRow: Double
    /// Exact zero readings (some written as `-0`), which are valid.
    public var zero: Double
    /// Per series: a run of missing values longer than the maximum gap (not filled).
    public var longMissingRun: Double
    /// Per series: a short run of missing values (filled).
    public var shortMissingRun: Double
    /// Per series: a run of missing slots (the meter was offline).
    public var offlineRun: Double
    /// Per series: the rows are written in descending time order.
    public var reversedSeries: Double
    /// Correction files per data file (a later file re-sending an earlier window of some meters).
    public var correctionsPerFile: Double
    /// Whether one data file lands a second time, byte-identical, after every other job ended (R-J-2).
    public var duplicateFile: Bool
    /// Whether one file fails whole and is quarantined (R-IN-3).
    public var badFile: Bool
    /// Whether file formats vary (BOM, CRLF, header spellings, column order, extra columns, quoting,
    /// blank lines, timestamp and number spellings, unit case). All variants are valid input.
    public var formatVariety: Bool

    public init(
        missingValue: Double, missingSlot: Double, negative: Double, spike: Double, malformed: Double,
        invalidField: Double, duplicateRow: Double, zero: Double, longMissingRun: Double, shortMissingRun: Double,
        offlineRun: Double, reversedSeries: Double, correctionsPerFile: Double, duplicateFile: Bool, badFile: Bool,
        formatVariety: Bool
    ) {
        self.missingValue = missingValue
        self.missingSlot = missingSlot
        self.negative = negative
        self.spike = spike
        self.malformed = malformed
        self.invalidField = invalidField
        self.duplicateRow = duplicateRow
        self.zero = zero
        self.longMissingRun = longMissingRun
        self.shortMissingRun = shortMissingRun
        self.offlineRun = offlineRun
        self.reversedSeries = reversedSeries
        self.correctionsPerFile = correctionsPerFile
        self.duplicateFile = duplicateFile
        self.badFile = badFile
        self.formatVariety = formatVariety
    }

    /// A few faults of every kind, at rates a utility's head-end export plausibly shows.
    public static let realistic = FaultProfile(
        missingValue: 0.004, missingSlot: 0.003, negative: 0.0008, spike: 0.0008, malformed: 0.0005,
        invalidField: 0.0008, duplicateRow: 0.001, zero: 0.001, longMissingRun: 0.01, shortMissingRun: 0.02,
        offlineRun: 0.01, reversedSeries: 0.03, correctionsPerFile: 0.25, duplicateFile: true, badFile: true,
        formatVariety: true)

    /// No faults at all: every slot is one valid `kW` row, one plain format, no corrections.
    public static let clean = FaultProfile(
        missingValue: 0, missingSlot: 0, negative: 0, spike: 0, malformed: 0, invalidField: 0, duplicateRow: 0,
        zero: 0, longMissingRun: 0, shortMissingRun: 0, offlineRun: 0, reversedSeries: 0, correctionsPerFile: 0,
        duplicateFile: false, badFile: false, formatVariety: false)

    /// `realistic` or `clean` (gs-loadtest's `--faults`).
    public init?(name: String) {
        switch name {
        case "realistic": self = .realistic
        case "clean": self = .clean
        default: return nil
        }
    }
}
