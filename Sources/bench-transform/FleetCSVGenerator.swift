import GreenStreamCore

/// Builds dirty meter CSV files in memory, byte by byte: 15-minute meters, mixed units
/// (kW, W, MW, kWh), ~1 % missing values, ~0.1 % outliers, ~0.1 % malformed rows.
struct FleetCSVGenerator {
    var state: UInt64
    private static let null = Array("NULL".utf8)
    private static let outlier = Array("-3.5".utf8)
    private static let kW = Array("kW".utf8)
    private static let w = Array("W".utf8)
    private static let mw = Array("MW".utf8)
    private static let kWh = Array("kWh".utf8)

    mutating func random() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One file of `meters` meters × `rowsPerMeter` quarter-hour rows from 2024-01-01,
    /// grouped by meter, or by time (every meter at t0, then at t1…) when `byTime`.
    mutating func file(firstMeter: Int64, meters: Int, rowsPerMeter: Int, byTime: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(meters * rowsPerMeter * 48)
        out.append(contentsOf: Array("MeterID,Timestamp,ReadingValue,Unit\n".utf8))
        let start = CivilTime.daysFromCivil(year: 2024, month: 1, day: 1) * CivilTime.microsPerDay
        for i in 0..<(meters * rowsPerMeter) {
            let m = byTime ? i % meters : i / rowsPerMeter
            let k = byTime ? i / meters : i % rowsPerMeter
            let meter = firstMeter + Int64(m)
            do {
                let r = random()
                let dice = Int(r % 10_000)
                appendInt(meter, to: &out)
                out.append(0x2C)
                let ts = start + Int64(k) * 900_000_000
                appendTimestamp(ts, to: &out)
                out.append(0x2C)
                let watts = Int((r >> 20) % 5000)  // 0…4999 W
                let unit: [UInt8]
                switch dice {
                case 0..<100:  // 1 % missing
                    out.append(contentsOf: Self.null)
                    unit = Self.kW
                case 100..<110:  // 0.1 % outliers
                    out.append(contentsOf: Self.outlier)
                    unit = Self.kW
                case 110..<120:  // 0.1 % malformed: a field short
                    out.removeLast()
                    out.append(0x0A)
                    continue
                default:
                    switch (r >> 40) % 10 {
                    case 0..<5:  // kW with three decimals
                        appendDecimal(watts, scale: 3, to: &out)
                        unit = Self.kW
                    case 5..<8:  // W
                        appendInt(Int64(watts), to: &out)
                        unit = Self.w
                    case 8:  // MW
                        appendDecimal(watts, scale: 6, to: &out)
                        unit = Self.mw
                    default:  // kWh over 15 minutes
                        appendDecimal(watts / 4, scale: 3, to: &out)
                        unit = Self.kWh
                    }
                }
                out.append(0x2C)
                out.append(contentsOf: unit)
                out.append(0x0A)
            }
        }
        return out
    }

    private func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v >= 10 { appendInt(v / 10, to: &out) }
        out.append(UInt8(48 + v % 10))
    }

    /// `value / 10^scale` written as a decimal, e.g. 1234 at scale 3 → `1.234`.
    private func appendDecimal(_ value: Int, scale: Int, to out: inout [UInt8]) {
        var p = 1
        for _ in 0..<scale { p *= 10 }
        appendInt(Int64(value / p), to: &out)
        out.append(0x2E)
        let frac = value % p
        var q = p / 10
        while q > 0 {
            out.append(UInt8(48 + (frac / q) % 10))
            q /= 10
        }
    }

    private func appendTimestamp(_ micros: Int64, to out: inout [UInt8]) {
        var text: [UInt8] = []
        CivilTime.appendISO8601(micros: micros, to: &text)
        // Drop the fraction: `2024-01-01T00:15:00Z` is what meters send.
        out.append(contentsOf: text[0..<19])
        out.append(UInt8(ascii: "Z"))
    }
}
