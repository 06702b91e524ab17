/// Rows of one file between T1 and T2, and the whole-file steps on them.
struct FileState {
    /// Rows that passed the meter id and timestamp checks, in file order until sorted.
    var rows: [RowRecord] = []
    var rejects: [PendingReject] = []
    /// Row index → the later instant of an ambiguous local time (R-T1-2).
    var ambiguous: [Int: Int64] = [:]
    var dataRowCount = 0

    init(estimatedRows: Int) {
        rows.reserveCapacity(estimatedRows)
    }

    /// R-T1-2: an ambiguous local time takes the later instant when an earlier row of
    /// the same meter already has the earlier one (whatever its value or unit).
    mutating func resolveAmbiguousTimes() {
        guard !ambiguous.isEmpty else { return }
        let meters = Set(ambiguous.keys.map { rows[$0].meter })
        var seen: [Int64: Set<Int64>] = [:]
        for i in rows.indices where meters.contains(rows[i].meter) {
            let meter = rows[i].meter
            if let later = ambiguous[i], seen[meter]?.contains(rows[i].ts) == true {
                rows[i].ts = later
            }
            seen[meter, default: []].insert(rows[i].ts)
        }
    }

    /// Moves rows that failed R-T1-3 or R-T1-4 to the rejects.
    mutating func separateInvalidRows() {
        guard rows.contains(where: { $0.kind == .invalidValue || $0.kind == .invalidUnit }) else { return }
        var kept: [RowRecord] = []
        kept.reserveCapacity(rows.count)
        for row in rows {
            switch row.kind {
            case .invalidValue:
                rejects.append(PendingReject(line: row.line, offset: row.offset, reason: .invalidValue))
            case .invalidUnit:
                rejects.append(PendingReject(line: row.line, offset: row.offset, reason: .invalidUnit))
            default:
                kept.append(row)
            }
        }
        rows = kept
    }

    /// Orders rows by (meter, ts, line); most files already are, and skip the sort.
    mutating func sortByMeterAndTime() {
        var sorted = true
        rows.withUnsafeBufferPointer { r in
            var i = 1
            while i < r.count {
                let a = r[i - 1]
                let b = r[i]
                if a.meter > b.meter || (a.meter == b.meter && a.ts > b.ts) {
                    sorted = false
                    break
                }
                i += 1
            }
        }
        guard !sorted else { return }
        rows.sort { a, b in
            if a.meter != b.meter { return a.meter < b.meter }
            if a.ts != b.ts { return a.ts < b.ts }
            return a.line < b.line
        }
    }
}
