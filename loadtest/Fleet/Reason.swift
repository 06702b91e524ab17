/// Reject reasons (SPEC §1–3), in the order of their names' use; `name` is the spec's text.
enum Reason: Int, CaseIterable, Sendable {
    case malformedRow, invalidMeterID, invalidTimestamp, invalidValue, invalidUnit, duplicateReading
    case unknownInterval, negativeReading, aboveMax, gapTooLong, edgeGap

    var name: String {
        switch self {
        case .malformedRow: "malformed_row"
        case .invalidMeterID: "invalid_meter_id"
        case .invalidTimestamp: "invalid_timestamp"
        case .invalidValue: "invalid_value"
        case .invalidUnit: "invalid_unit"
        case .duplicateReading: "duplicate_reading"
        case .unknownInterval: "unknown_interval"
        case .negativeReading: "negative_reading"
        case .aboveMax: "above_max"
        case .gapTooLong: "gap_too_long"
        case .edgeGap: "edge_gap"
        }
    }
}
