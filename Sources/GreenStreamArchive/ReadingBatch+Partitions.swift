// Splitting a job's readings into one batch per UTC date (R-P-1), each ordered by (meter_id, ts).
import GreenStreamCore

extension ReadingBatch {
    /// The batch's readings grouped by UTC date, each group ordered by (meter_id, ts), dates ascending.
    /// - Throws: ``ArchiveError/timestampOutOfRange(row:microseconds:)`` for an instant outside years 0001–9999.
    public func partitionedByUTCDate() throws -> [(date: UTCDate, batch: ReadingBatch)] {
        guard !isEmpty else { return [] }
        let firstDate = try Self.date(ofRow: 0, ts[0])
        let dayStart = firstDate.dayNumber * UTCDate.microsecondsPerDay
        let dayEnd = dayStart + UTCDate.microsecondsPerDay
        // The common case, one file on one date, needs two comparisons per row and no division.
        let oneDay = ts.withUnsafeBufferPointer { all in all.allSatisfy { $0 >= dayStart && $0 < dayEnd } }
        if oneDay {
            return [(firstDate, isOrdered(0..<count) ? self : gathered(sortedIndices(Array(0..<count))))]
        }
        var rowsByDay: [Int64: [Int]] = [:]
        for i in 0..<count { rowsByDay[try Self.date(ofRow: i, ts[i]).dayNumber, default: []].append(i) }
        return rowsByDay.keys.sorted().map { day in
            let rows = rowsByDay[day]!
            return (UTCDate(dayNumber: day), gathered(isOrdered(rows) ? rows : sortedIndices(rows)))
        }
    }

    private static func date(ofRow row: Int, _ microseconds: Int64) throws -> UTCDate {
        let date = UTCDate(microseconds: microseconds)
        guard date.dayNumber >= firstDay && date.dayNumber <= lastDay else {
            throw ArchiveError.timestampOutOfRange(row: row, microseconds: microseconds)
        }
        return date
    }

    private static let firstDay = UTCDate(year: 1, month: 1, day: 1)!.dayNumber
    private static let lastDay = UTCDate(year: 9999, month: 12, day: 31)!.dayNumber

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        meterID[a] < meterID[b] || (meterID[a] == meterID[b] && ts[a] < ts[b])
    }

    private func isOrdered(_ rows: some Collection<Int>) -> Bool {
        meterID.withUnsafeBufferPointer { meters in
            ts.withUnsafeBufferPointer { times in
                var previous = -1
                for row in rows {
                    if previous >= 0 {
                        let (pm, m) = (meters[previous], meters[row])
                        if m < pm || (m == pm && times[row] < times[previous]) { return false }
                    }
                    previous = row
                }
                return true
            }
        }
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
