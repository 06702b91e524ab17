/// A data row that passed the meter id and timestamp checks (R-T1-1, R-T1-2), kept
/// compact (40 bytes) because a 256 MiB file holds millions of them.
struct RowRecord {
    enum Kind: UInt8 {
        /// No value (R-T1-3): imputed or rejected by T2.
        case missing
        /// `value` is kW.
        case power
        /// `value` is kWh; T2 divides by the interval (R-T2-0).
        case energy
        /// Failed R-T1-3; kept only so its instant counts for ambiguous times (R-T1-2).
        case invalidValue
        /// Failed R-T1-4; kept for the same reason.
        case invalidUnit
    }

    var meter: Int64
    /// UTC microseconds.
    var ts: Int64
    var value: Double
    /// Byte offset where the row starts, to read its raw texts again for a reject.
    var offset: Int32
    var line: Int32
    var kind: Kind

    var hasValue: Bool { kind == .power || kind == .energy }
}

/// A reject whose raw texts have not been read back yet.
struct PendingReject {
    var line: Int32
    var offset: Int32
    var reason: RejectReason
}
