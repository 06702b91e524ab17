/// Big CSV inputs for tests of size-related behaviour, built from bytes (never Strings)
/// by doubling, so hundreds of MiB take a fraction of a second even in a debug build.
public enum HugeCSV {
    /// Good rows of meter 1 on lines 2–4, then on line 5 a row whose value opens a quote that
    /// never closes, then valid-looking rows up to `totalBytes`: all of them belong to the
    /// unterminated field (R-IN-5), so the file is three readings and one `malformed_row`.
    public static func unterminatedQuoteNearTop(totalBytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(totalBytes)
        out.append(contentsOf: Array((
            "meter_id,timestamp,reading_value,unit\n"
            + "1,2024-01-01T00:00:00Z,1.5,kW\n1,2024-01-01T00:15:00Z,2.5,kW\n1,2024-01-01T00:30:00Z,3.5,kW\n"
            + "1,2024-01-01T00:45:00Z,\"4.5,kW\n").utf8))
        let fillStart = out.count
        out.append(contentsOf: Array("2,2024-01-02T00:00:00Z,1,kW\n".utf8))
        while out.count < totalBytes {
            let chunk = min(out.count - fillStart, totalBytes - out.count)
            out.append(contentsOf: out[fillStart..<(fillStart + chunk)])
        }
        return out
    }
}
