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
    /// Whether one file holds a header and no rows (it succeeds with zero rows, R-IN-4).
    public var emptyFile: Bool
    /// Whether file formats vary (BOM, CRLF, header spellings, column order, extra columns, quoting,
    /// blank lines, timestamp and number spellings, unit case). All variants are valid input.
    public var formatVariety: Bool

    public init(
        missingValue: Double, missingSlot: Double, negative: Double, spike: Double, malformed: Double,
        invalidField: Double, duplicateRow: Double, zero: Double, longMissingRun: Double, shortMissingRun: Double,
        offlineRun: Double, reversedSeries: Double, correctionsPerFile: Double, duplicateFile: Bool, badFile: Bool,
        formatVariety: Bool, emptyFile: Bool = false
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
        self.emptyFile = emptyFile
    }

    /// A few faults of every kind, at rates a utility's head-end export plausibly shows.
    public static let realistic = FaultProfile(
        missingValue: 0.004, missingSlot: 0.003, negative: 0.0008, spike: 0.0008, malformed: 0.0005,
        invalidField: 0.0008, duplicateRow: 0.001, zero: 0.001, longMissingRun: 0.01, shortMissingRun: 0.02,
        offlineRun: 0.01, reversedSeries: 0.03, correctionsPerFile: 0.25, duplicateFile: true, badFile: true,
        formatVariety: true, emptyFile: true)

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
