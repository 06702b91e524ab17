/// The CSV form of a transform's output, as `greenstream transform` writes it.
extension TransformOutput {
    /// Header of `readings.csv`.
    public static let readingsCSVHeader = "meter_id,ts,kw,quality,hour_of_day,is_peak_window"
    /// Header of `rejects.csv`.
    public static let rejectsCSVHeader = "line,reason,meter_id,timestamp,reading_value,unit"

    /// `readings.csv`: ts as `YYYY-MM-DDThh:mm:ss.ffffffZ`, kW in the shortest text that
    /// reads back to the same Double, `true`/`false`.
    public func readingsCSV() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + readings.count * 56)
        out.append(contentsOf: Self.readingsCSVHeader.utf8)
        out.append(0x0A)
        let r = readings
        for i in 0..<r.count {
            out.append(contentsOf: String(r.meterID[i]).utf8)
            out.append(0x2C)
            CivilTime.appendISO8601(micros: r.ts[i], to: &out)
            out.append(0x2C)
            out.append(contentsOf: r.kw[i].description.utf8)
            out.append(0x2C)
            out.append(contentsOf: r.quality[i].name.utf8)
            out.append(0x2C)
            out.append(contentsOf: String(r.hourOfDay[i]).utf8)
            out.append(0x2C)
            out.append(contentsOf: (r.isPeakWindow[i] ? "true" : "false").utf8)
            out.append(0x0A)
        }
        return out
    }

    /// `rejects.csv`: line, reason and the raw field texts, quoted when needed (RFC 4180).
    public func rejectsCSV() -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: Self.rejectsCSVHeader.utf8)
        out.append(0x0A)
        for r in rejects {
            out.append(contentsOf: String(r.line).utf8)
            out.append(0x2C)
            out.append(contentsOf: r.reason.rawValue.utf8)
            for field in [r.meterID, r.timestamp, r.readingValue, r.unit] {
                out.append(0x2C)
                Self.appendQuotedIfNeeded(field, to: &out)
            }
            out.append(0x0A)
        }
        return out
    }

    static func appendQuotedIfNeeded(_ text: String, to out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || bytes.first == 0x20 || bytes.first == 0x09 || bytes.last == 0x20 || bytes.last == 0x09
        guard needsQuotes else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(0x22)
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }
}
