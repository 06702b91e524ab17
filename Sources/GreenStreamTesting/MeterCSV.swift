/// Clean meter files for the cluster tests and bench-cluster, built from bytes so hundreds of
/// thousands of rows take little time even in a debug build.
public enum MeterCSV {
    /// `meters` meters × `slots` quarter-hour readings from 2024-06-01T00:00Z, all valid kW values,
    /// so the file stores exactly `meters.count × slots` measured readings and rejects nothing.
    /// `salt` changes the values (and so the SHA-256) without changing the count.
    public static func clean(meters: ClosedRange<Int64>, slots: Int, salt: Int = 0) -> [UInt8] {
        precondition(slots <= 96 * 30, "stays within June")
        let stamps: [[UInt8]] = (0..<slots).map { slot in
            let day = 1 + slot / 96
            let minutes = (slot % 96) * 15
            return Array("2024-06-\(pad(day))T\(pad(minutes / 60)):\(pad(minutes % 60)):00Z".utf8)
        }
        let values: [[UInt8]] = (0..<50).map { Array(String(Double($0) / 10 + 0.1).utf8) }
        var out = Array("meter_id,timestamp,reading_value,unit\n".utf8)
        out.reserveCapacity(meters.count * slots * 40)
        let unit = Array(",kW\n".utf8)
        for meter in meters {
            let id = Array(String(meter).utf8)
            for slot in 0..<slots {
                out.append(contentsOf: id)
                out.append(0x2C)
                out.append(contentsOf: stamps[slot])
                out.append(0x2C)
                out.append(contentsOf: values[(Int(meter) &* 7 &+ slot &+ salt) % 50])
                out.append(contentsOf: unit)
            }
        }
        return out
    }

    /// A file that fails permanently with `missing_column:unit` (R-IN-3).
    public static let missingUnit = Array("meter_id,timestamp,reading_value\n1,2024-06-01T00:00:00Z,1.5\n".utf8)

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
