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

    /// Orders rows by (meter, ts, line). Files grouped by meter in time order skip the
    /// work; files ordered by time (every meter at t0, then t1, …) are regrouped by a
    /// stable counting sort on the meter in O(n), then each meter's run is checked and
    /// sorted only if its times are out of order.
    mutating func sortByMeterAndTime() {
        if isSorted(rows[...]) { return }
        let n = rows.count
        var groupOfMeter: [Int64: Int32] = [:]
        var meters: [Int64] = []
        var group = [Int32](repeating: 0, count: n)
        var lastMeter: Int64 = 0  // meter ids are ≥ 1
        var lastGroup: Int32 = 0
        for i in 0..<n {
            let meter = rows[i].meter
            if meter != lastMeter {
                // Time-ordered files cycle through the meters in a fixed order: try the
                // group after the last one before hashing.
                let predicted = Int(lastGroup) + 1 < meters.count ? Int(lastGroup) + 1 : 0
                if predicted < meters.count && meters[predicted] == meter {
                    lastGroup = Int32(predicted)
                } else if let g = groupOfMeter[meter] {
                    lastGroup = g
                } else {
                    lastGroup = Int32(meters.count)
                    groupOfMeter[meter] = lastGroup
                    meters.append(meter)
                }
                lastMeter = meter
            }
            group[i] = lastGroup
        }
        var counts = [Int](repeating: 0, count: meters.count)
        for g in group { counts[Int(g)] += 1 }
        let order = meters.indices.sorted { meters[$0] < meters[$1] }
        var next = [Int](repeating: 0, count: meters.count)
        var bounds: [Range<Int>] = []
        var offset = 0
        for g in order {
            next[g] = offset
            bounds.append(offset..<(offset + counts[g]))
            offset += counts[g]
        }
        var regrouped = [RowRecord](unsafeUninitializedCapacity: n) { buffer, count in
            rows.withUnsafeBufferPointer { source in
                for i in 0..<n {
                    let g = Int(group[i])
                    (buffer.baseAddress! + next[g]).initialize(to: source[i])
                    next[g] += 1
                }
            }
            count = n
        }
        for range in bounds where !isSorted(regrouped[range]) {
            regrouped[range].sort { a, b in a.ts != b.ts ? a.ts < b.ts : a.line < b.line }
        }
        rows = regrouped
    }

    private func isSorted(_ r: ArraySlice<RowRecord>) -> Bool {
        var i = r.startIndex + 1
        while i < r.endIndex {
            let a = r[i - 1]
            let b = r[i]
            if a.meter > b.meter || (a.meter == b.meter && a.ts > b.ts) { return false }
            i += 1
        }
        return true
    }
}
