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
        return FileFormat(
            columns: columns, header: Array(headerNames.joined(separator: ",").utf8), crlf: r.chance(0.3),
            bom: r.chance(0.2), blankLineRate: r.chance(0.3) ? 0.001 : 0, extraText: extraText)
    }
}

extension Fleet {
    /// The bytes of file `index` (landing order). Deterministic from the spec and safe to call from
    /// any thread at once: every (file, meter) series has its own random stream.
    public func fileBytes(_ index: Int) -> [UInt8] {
        switch kinds[index] {
        case .data(let d):
            return seriesFile(.data(d), contentTag: UInt64(d), meters: Array(meters(ofGroup: d % groups)))
        case .correction(let c):
            let g = corrections[c].dataFile % groups
            let ms = meters(ofGroup: g).filter { correction(c, includes: $0) }
            return seriesFile(.correction(c), contentTag: 0x1_0000_0000 + UInt64(c), meters: ms)
        case .bad(let reason):
            return badFile(reason)
        case .duplicate(let of):
            return fileBytes(of)
        }
    }

    /// File format of a data file or correction.
    func format(contentTag: UInt64) -> FileFormat {
        guard spec.faults.formatVariety else { return .plain }
        var r = SplitMix(spec.seed, 0xF0F0, contentTag)
        return FileFormat.varied(&r)
    }

    func seriesFile(_ source: SeriesSource, contentTag: UInt64, meters: [Int]) -> [UInt8] {
        let format = format(contentTag: contentTag)
        let (lo, hi) = slotRange(source)
        var w = RowWriter()
        w.bytes.reserveCapacity(64 + meters.count * (hi - lo) * 44)
        if format.bom { w.bytes.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        w.bytes.append(contentsOf: format.header)
        eol(&w, format)
        var rows: [PlannedRow] = []
        for m in meters {
            plan(source, meter: m, into: &rows)
            var blank = SplitMix(spec.seed, 0xB1A, contentTag, UInt64(m))
            let id = meterID(m)
            for row in rows {
                write(row, meterID: id, format: format, into: &w)
                if format.blankLineRate > 0 && blank.chance(format.blankLineRate) {
                    w.ascii(" \t")
                    eol(&w, format)
                }
            }
        }
        return w.bytes
    }

    @inline(__always) func eol(_ w: inout RowWriter, _ format: FileFormat) {
        if format.crlf { w.byte(13) }
        w.byte(10)
    }

    /// One data row in the file's column order.
    func write(_ row: PlannedRow, meterID id: Int64, format: FileFormat, into w: inout RowWriter) {
        let t = slotSeconds(Int(row.slot))
        let tooFew = row.kind == .malformed && row.variant % 4 == 0
        var written = 0
        for column in format.columns {
            if tooFew && written == 2 { break }
            if written > 0 { w.byte(44) }
            written += 1
            switch column {
            case .meter:
                if row.kind == .badMeterID { w.badMeterID(id, variant: row.variant) } else {
                    w.meterID(id, zeros: row.meterZeros)
                }
            case .timestamp:
                if row.kind == .badTimestamp { w.badTimestamp(t, variant: row.variant) } else {
                    w.timestamp(t, style: row.tsStyle)
                }
            case .value:
                switch row.kind {
                case .missing:
                    w.missingValue(variant: row.variant)
                case .badValue:
                    w.badValue(variant: row.variant)
                case .malformed where row.variant % 4 == 1:
                    w.byte(34)  // a quoting error: text after the closing quote (R-IN-5)
                    w.decimal(row.mantissa, decimals: row.unit.decimals, style: 0, negativeZero: false)
                    w.ascii("\"x")
                case .malformed where row.variant % 4 == 3:
                    w.decimal(row.mantissa, decimals: row.unit.decimals, style: 0, negativeZero: false)
                    w.byte(34)  // a stray quote in an unquoted field (docs/DECISIONS.md R-IN-5)
                default:
                    w.decimal(
                        row.mantissa, decimals: row.unit.decimals, style: row.valueStyle, negativeZero: row.negativeZero)
                }
            case .unit:
                switch row.kind {
                case .badUnit:
                    w.badUnit(variant: row.variant)
                case .missing:
                    if row.valueStyle == 0 { w.unit(row.unit, variant: 0) } else if row.valueStyle == 2 { w.ascii("??") }
                case .malformed where row.variant % 4 == 2:
                    w.bytes.append(contentsOf: [107, 0xFF, 87])  // "k\xFFW": invalid UTF-8
                default:
                    w.unit(row.unit, variant: row.variant)
                }
            case .extra:
                w.bytes.append(contentsOf: format.extraText)
            }
        }
        eol(&w, format)
    }

    /// A file that fails whole (R-IN-3).
    func badFile(_ reason: String) -> [UInt8] {
        let seedNote = Array("\(spec.seed)".utf8)
        switch reason {
        case "missing_column:unit":
            return Array("meter_id,timestamp,reading_value\n".utf8) + seedNote + Array(",2026-03-28T00:00:00Z,1.5\n".utf8)
        case "missing_column:timestamp":
            return Array("MeterID,Time,ReadingValue,Unit\n".utf8) + seedNote + Array(",2026-03-28T00:00:00Z,1.5,kW\n".utf8)
        case "not_text":
            return Array("meter_id,time".utf8) + [0xFF] + Array("stamp,reading_value,unit\n".utf8) + seedNote
                + Array(",2026-03-28T00:00:00Z,1.5,kW\n".utf8)
        default:  // no_header: blank lines only
            return Array("\n \t\n\r\n".utf8)
        }
    }
}
