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
        case .empty:
            // The extra column names the fleet, so fleets of other shapes or seeds do not share its
            // SHA-256 (a cluster that already has it would call it `duplicate`, R-J-2).
            let tag = "export_s\(spec.seed)_m\(spec.meters)_h\(spec.hours)_i\(spec.intervalMinutes)"
            return Array("MeterID,Timestamp,ReadingValue,Unit,\(tag)\r\n".utf8)
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
        var blank = SplitMix(spec.seed, 0xB1A, contentTag)
        func emit(_ row: PlannedRow, _ id: Int64) {
            write(row, meterID: id, format: format, into: &w)
            if format.blankLineRate > 0 && blank.chance(format.blankLineRate) {
                w.ascii(" \t")
                eol(&w, format)
            }
        }
        if format.timeMajor {
            var all: [[PlannedRow]] = []
            all.reserveCapacity(meters.count)
            for m in meters {
                var rows: [PlannedRow] = []
                plan(source, meter: m, into: &rows)
                all.append(rows)
            }
            let ids = meters.map(meterID)
            let longest = all.map(\.count).max() ?? 0
            for i in 0..<longest {
                for (j, rows) in all.enumerated() where i < rows.count { emit(rows[i], ids[j]) }
            }
        } else {
            var rows: [PlannedRow] = []
            for m in meters {
                plan(source, meter: m, into: &rows)
                let id = meterID(m)
                for row in rows { emit(row, id) }
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
                if row.kind == .badMeterID {
                    w.badMeterID(id, variant: row.variant)
                } else {
                    w.meterID(id, zeros: row.meterZeros)
                }
            case .timestamp:
                if row.kind == .badTimestamp {
                    w.badTimestamp(t, variant: row.variant)
                } else {
                    let i = Int(row.slot) * RowWriter.timestampStyles + Int(row.tsStyle)
                    timestampText.withUnsafeBufferPointer { all in
                        w.bytes.append(
                            contentsOf: UnsafeBufferPointer(
                                rebasing: all[Int(timestampStart[i])..<Int(timestampStart[i + 1])]))
                    }
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
                        row.mantissa, decimals: row.unit.decimals, style: row.valueStyle, negativeZero: row.negativeZero
                    )
                }
            case .unit:
                switch row.kind {
                case .badUnit:
                    w.badUnit(variant: row.variant)
                case .missing:
                    if row.valueStyle == 0 {
                        w.unit(row.unit, variant: 0)
                    } else if row.valueStyle == 2 {
                        w.ascii("??")
                    }
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
            return Array("meter_id,timestamp,reading_value\n".utf8) + seedNote
                + Array(",2026-03-28T00:00:00Z,1.5\n".utf8)
        case "missing_column:timestamp":
            return Array("MeterID,Time,ReadingValue,Unit\n".utf8) + seedNote
                + Array(",2026-03-28T00:00:00Z,1.5,kW\n".utf8)
        case "not_text":
            return Array("meter_id,time".utf8) + [0xFF] + Array("stamp,reading_value,unit\n".utf8) + seedNote
                + Array(",2026-03-28T00:00:00Z,1.5,kW\n".utf8)
        default:  // no_header: blank lines only
            return Array("\n \t\n\r\n".utf8)
        }
    }
}
