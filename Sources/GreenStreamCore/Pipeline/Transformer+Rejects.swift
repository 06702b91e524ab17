extension Transformer {
    /// Reads the raw field texts of each rejected row again (rejects are rare, so this
    /// costs little and spares keeping every row's texts). The texts are bounded by
    /// ``Reject/rawTextBudget``, so one row that swallows the rest of a big file (an
    /// unterminated quote) stays a small reject that fits in a job result (R-J-5).
    func materialize(_ pending: [PendingReject], reader: CSVRecordReader, header: CSVHeader) -> [Reject] {
        let sorted = pending.sorted { $0.line < $1.line }
        var out: [Reject] = []
        out.reserveCapacity(sorted.count)
        var record = CSVRecordReader.Record(capacity: header.storeLimit)
        let columns = [header.meterID, header.timestamp, header.readingValue, header.unit]
        for p in sorted {
            var again = CSVRecordReader(bytes: reader.bytes, position: Int(p.offset), line: Int(p.line))
            _ = again.next(into: &record)
            let fields = columns.map { $0 < record.storedCount ? record.field($0) : nil }
            let limits = Reject.rawTextLimits(lengths: fields.map { $0.map { $0.end - $0.start } ?? 0 })
            func text(_ k: Int) -> String {
                guard let field = fields[k] else { return "" }
                return again.text(of: field, limit: limits[k])
            }
            out.append(
                Reject(
                    line: Int(p.line), reason: p.reason, meterID: text(0), timestamp: text(1), readingValue: text(2),
                    unit: text(3)))
        }
        return out
    }
}

extension Reject {
    /// The most bytes of raw field text one reject keeps, over its four fields. Longer
    /// texts are cut (at a UTF-8 boundary) and end with `…[truncated N bytes]`; the line
    /// number and reason are always kept (docs/DECISIONS.md, R-J-5).
    public static let rawTextBudget = 4096

    /// How many bytes of each field to keep: all of them when they fit the budget, else a
    /// fair share (short fields whole, the budget they leave split among the long ones).
    static func rawTextLimits(lengths: [Int], budget: Int = rawTextBudget) -> [Int] {
        guard lengths.reduce(0, +) > budget else { return lengths }
        var limits = lengths
        var remaining = budget
        let order = lengths.indices.sorted { lengths[$0] < lengths[$1] }
        for (k, i) in order.enumerated() {
            limits[i] = min(lengths[i], remaining / (order.count - k))
            remaining -= limits[i]
        }
        return limits
    }
}
