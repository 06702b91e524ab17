/// How one file is laid out: column order, header spelling, line ends, BOM, an extra column.
struct FileFormat {
    enum Column: UInt8 { case meter, timestamp, value, unit, extra }
    var columns: [Column]
    var header: [UInt8]
    var crlf: Bool
    var bom: Bool
    /// Blank lines (spaces and tabs) between rows, per row.
    var blankLineRate: Double
    /// Text of the extra column in every row.
    var extraText: [UInt8]
    /// Rows interleaved across meters (row i of every meter, then row i + 1 …), as head-ends that
    /// export one interval at a time write them; otherwise grouped by meter. Each meter's own rows keep
    /// their order either way, so duplicate resolution (R-T1-5) sees the same file order.
    var timeMajor = false

    static let plain = FileFormat(
        columns: [.meter, .timestamp, .value, .unit], header: Array("meter_id,timestamp,reading_value,unit".utf8),
        crlf: false, bom: false, blankLineRate: 0, extraText: [])

    /// A valid variation (R-IN-1, R-IN-2): names in other spellings, any column order, an extra
    /// column (sometimes repeating a required name to the right, where the leftmost one counts),
    /// CRLF, a BOM, quoted header names, blank lines.
    static func varied(_ r: inout SplitMix) -> FileFormat {
        var columns: [Column] = [.meter, .timestamp, .value, .unit]
        for i in stride(from: columns.count - 1, to: 0, by: -1) { columns.swapAt(i, r.below(i + 1)) }
        let names: [Column: [String]] = [
            .meter: ["meter_id", "MeterID", "Meter ID", "METER-ID", "meterid"],
            .timestamp: ["timestamp", "Timestamp", "TIME_STAMP", "Time Stamp"],
            .value: ["reading_value", "ReadingValue", "Reading Value", "READING-VALUE"],
            .unit: ["unit", "Unit", "UNIT"],
        ]
        var headerNames = columns.map { c -> String in
            let list = names[c]!
            let name = list[r.below(list.count)]
            return r.chance(0.15) ? "\"\(name)\"" : name
        }
        var extraText: [UInt8] = []
        let extra = r.below(3)
        if extra == 1 {
            let at = r.below(columns.count + 1)
            columns.insert(.extra, at: at)
            headerNames.insert(["site", "quality_flag", "Customer Type"][r.below(3)], at: at)
            extraText = Array("ok".utf8)
        } else if extra == 2 {
            columns.append(.extra)
            headerNames.append("Unit")  // a repeat: the leftmost `unit` counts (R-IN-2)
            extraText = Array("parsecs".utf8)
        }
        var format = FileFormat(
            columns: columns, header: Array(headerNames.joined(separator: ",").utf8), crlf: r.chance(0.3),
            bom: r.chance(0.2), blankLineRate: r.chance(0.3) ? 0.001 : 0, extraText: extraText)
        format.timeMajor = r.chance(0.4)
        return format
    }
}
