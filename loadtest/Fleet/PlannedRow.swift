/// One data row the generator decided to write, with everything the expectation needs to know
/// about it. The bytes and the expected outcome are both derived from this, never from each other.
struct PlannedRow: Sendable {
    /// What the row is, as far as T1 goes.
    enum Kind: UInt8, Sendable {
        /// A present value in `unit` (T2 judges negatives and spikes from the value itself).
        case value
        /// A missing value (`""`, `NULL`, `NA`, `N/A`, `NaN`), with any unit text.
        case missing
        case malformed
        case badMeterID
        case badTimestamp
        case badValue
        case badUnit
    }

    /// Units as written (R-T1-4); the case of the text is chosen separately.
    enum Unit: UInt8, Sendable {
        case w, kw, mw, wh, kwh, mwh
        var isEnergy: Bool { self == .wh || self == .kwh || self == .mwh }
        /// Decimal places the value is written with in this unit (kW precision 0.1 W either way).
        var decimals: Int {
            switch self {
            case .w, .wh: 1
            case .kw, .kwh: 4
            case .mw, .mwh: 7
            }
        }
    }

    /// Slot index within the fleet's span (the instant is start + slot × interval).
    var slot: Int32
    var kind: Kind
    var unit: Unit
    /// Which spelling of the text variant (missing value, malformed kind, invalid field, unit case …).
    var variant: UInt8
    /// Timestamp spelling (see `RowWriter`); all spellings of a slot denote the same instant.
    var tsStyle: UInt8
    /// Number spelling (plain, exponent, no leading zero, quoted, …).
    var valueStyle: UInt8
    /// Leading zeros before the meter id.
    var meterZeros: UInt8
    /// The written value is `mantissa / 10^unit.decimals` in `unit`; `negativeZero` writes `-0…`.
    var mantissa: Int64
    var negativeZero: Bool

    init(slot: Int, kind: Kind, unit: Unit = .kw, mantissa: Int64 = 0) {
        self.slot = Int32(slot)
        self.kind = kind
        self.unit = unit
        self.variant = 0
        self.tsStyle = 0
        self.valueStyle = 0
        self.meterZeros = 0
        self.mantissa = mantissa
        self.negativeZero = false
    }
}
