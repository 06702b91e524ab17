// Civil dates from day counts (GreenStreamCore's CivilTime), so partition names need no
// Foundation calendar or formatter in the per-row path.

import GreenStreamCore

/// A calendar date in UTC, identified by its day number since 1970-01-01.
public struct UTCDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds in one day.
    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 (negative before it).
    public let dayNumber: Int64

    /// The date with the given day number.
    public init(dayNumber: Int64) { self.dayNumber = dayNumber }

    /// The UTC date of an instant given in microseconds since the epoch.
    public init(microseconds: Int64) {
        let (q, r) = microseconds.quotientAndRemainder(dividingBy: Self.microsecondsPerDay)
        dayNumber = r < 0 ? q - 1 : q
    }

    /// The date `year`-`month`-`day`, or nil if there is no such day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.init(dayNumber: CivilTime.daysFromCivil(year: year, month: month, day: day))
    }

    /// Year, month (1–12) and day (1–31).
    public var components: (year: Int, month: Int, day: Int) { CivilTime.civilFromDays(dayNumber) }

    /// `YYYY-MM-DD`, the Hive partition value.
    public var description: String {
        let (y, m, d) = components
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// Parses `YYYY-MM-DD` (four-digit year).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: UTCDate, b: UTCDate) -> Bool { a.dayNumber < b.dayNumber }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
