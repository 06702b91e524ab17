// Splitting a job's readings into one batch per UTC date (R-P-1), each ordered by (meter_id, ts).
import GreenStreamCore

extension ReadingBatch {
    /// The batch's readings grouped by UTC date, each group ordered by (meter_id, ts), dates ascending.
    /// - Throws: ``ArchiveError/timestampOutOfRange(row:microseconds:)`` for an instant outside years 0001–9999.
    public func partitionedByUTCDate() throws -> [(date: UTCDate, batch: ReadingBatch)] {
        guard !isEmpty else { return [] }
        var days = [Int64](repeating: 0, count: count)
        var minDay = Int64.max
        var maxDay = Int64.min
        for i in 0..<count {
            let day = UTCDate(microseconds: ts[i]).dayNumber
            guard day >= Self.firstDay && day <= Self.lastDay else {
                throw ArchiveError.timestampOutOfRange(row: i, microseconds: ts[i])
            }
            days[i] = day
            minDay = Swift.min(minDay, day)
            maxDay = Swift.max(maxDay, day)
        }
        if minDay == maxDay {
            return [(UTCDate(dayNumber: minDay), isOrdered(0..<count) ? self : gathered(sortedIndices(Array(0..<count))))]
        }
        var rowsByDay: [Int64: [Int]] = [:]
        for i in 0..<count { rowsByDay[days[i], default: []].append(i) }
        return rowsByDay.keys.sorted().map { day in
            let rows = rowsByDay[day]!
            return (UTCDate(dayNumber: day), gathered(isOrdered(rows) ? rows : sortedIndices(rows)))
        }
    }

    private static let firstDay = UTCDate(year: 1, month: 1, day: 1)!.dayNumber
    private static let lastDay = UTCDate(year: 9999, month: 12, day: 31)!.dayNumber

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        meterID[a] < meterID[b] || (meterID[a] == meterID[b] && ts[a] < ts[b])
    }

    private func isOrdered(_ rows: some Collection<Int>) -> Bool {
        var previous: Int? = nil
        for row in rows {
            if let p = previous, precedes(row, p) { return false }
            previous = row
        }
        return true
    }

    /// Rows ordered by (meter_id, ts); ties keep their input order.
    private func sortedIndices(_ rows: [Int]) -> [Int] {
        rows.enumerated().sorted { a, b in
            precedes(a.element, b.element) || (!precedes(b.element, a.element) && a.offset < b.offset)
        }.map(\.element)
    }

    private func gathered(_ rows: [Int]) -> ReadingBatch {
        var out = ReadingBatch()
        out.reserveCapacity(rows.count)
        for i in rows {
            out.append(
                meterID: meterID[i], ts: ts[i], kw: kw[i], quality: quality[i], hourOfDay: hourOfDay[i],
                isPeakWindow: isPeakWindow[i])
        }
        return out
    }
}
