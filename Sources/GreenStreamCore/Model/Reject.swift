/// Why a data row did not become a `measured` or `interpolated` reading (R-IN-5, §2, §3).
/// The raw values are the spec's reason strings; they appear in rejects CSVs, job rows and the RPC contract.
public enum RejectReason: String, Sendable, CaseIterable, Comparable {
    case malformedRow = "malformed_row"
    case invalidMeterID = "invalid_meter_id"
    case invalidTimestamp = "invalid_timestamp"
    case invalidValue = "invalid_value"
    case invalidUnit = "invalid_unit"
    case duplicateReading = "duplicate_reading"
    case unknownInterval = "unknown_interval"
    case negativeReading = "negative_reading"
    case aboveMax = "above_max"
    case gapTooLong = "gap_too_long"
    case edgeGap = "edge_gap"

    public static func < (a: RejectReason, b: RejectReason) -> Bool { a.rawValue < b.rawValue }
}

/// A rejected data row: where it started, why, and the raw (trimmed) field texts as read.
/// Fields absent from a malformed row are empty. The four texts together keep at most
/// `Reject.rawTextBudget` bytes of the file; longer ones end with `…[truncated N bytes]`.
public struct Reject: Sendable, Equatable {
    /// Physical line on which the row starts, 1-based (R-IN-1).
    public var line: Int
    public var reason: RejectReason
    public var meterID: String
    public var timestamp: String
    public var readingValue: String
    public var unit: String

    public init(line: Int, reason: RejectReason, meterID: String, timestamp: String, readingValue: String, unit: String) {
        self.line = line
        self.reason = reason
        self.meterID = meterID
        self.timestamp = timestamp
        self.readingValue = readingValue
        self.unit = unit
    }
}

/// A whole-file failure: the file is quarantined at once, without retries (R-IN-3).
public enum FileFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge
    case noHeader
    case notText
    /// The first missing required column, in the order meterid, timestamp, readingvalue, unit.
    case missingColumn(String)

    /// The spec's reason text, e.g. `missing_column:unit`.
    public var reason: String {
        switch self {
        case .tooLarge: "too_large"
        case .noHeader: "no_header"
        case .notText: "not_text"
        case .missingColumn(let name): "missing_column:\(name)"
        }
    }

    public var description: String { reason }
}
