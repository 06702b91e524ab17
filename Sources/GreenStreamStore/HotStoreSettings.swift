import Foundation
import GreenStreamCore

/// How a ``HotStore`` manages its day partitions and its retention window (docs/STORE.md,
/// "Day partitions" and "Retention").
public struct HotStoreSettings: Sendable {
    /// Days of readings the hot store keeps, or nil to keep everything (the default). With a
    /// window of N days, the first kept UTC day is the one holding `now − N × 24 h`
    /// (``HotStoreRetention/firstKeptDay(retentionDays:now:)``): a commit loads no reading whose
    /// grid hour starts before that day (it counts them in ``HotCommitStats/beyondRetention``),
    /// and ``HotStore/dropPartitions(olderThanDays:now:)`` with the same N drops the days before it.
    /// The coordinator's `--hot-retention DAYS` sets it.
    public var retentionDays: Int?
    /// UTC days after today whose partitions each commit makes sure exist (default 3), so the
    /// data of the next days never waits for DDL.
    public var partitionDaysAhead: Int
    /// Unix seconds now: where today and the retention edge of commits are. Tests pass a fixed clock.
    public var now: @Sendable () -> Int64

    public init(
        retentionDays: Int? = nil, partitionDaysAhead: Int = 3,
        now: @escaping @Sendable () -> Int64 = HotStoreSettings.systemNow
    ) {
        self.retentionDays = retentionDays
        self.partitionDaysAhead = partitionDaysAhead
        self.now = now
    }

    /// The system clock in Unix seconds.
    @Sendable public static func systemNow() -> Int64 {
        Int64(Date().timeIntervalSince1970.rounded(.down))
    }
}

/// Day arithmetic of the partitions and the retention edge, in UTC days since 1970-01-01.
public enum HotStoreRetention {
    static let secondsPerDay: Int64 = 86_400
    static let microsPerDay: Int64 = 86_400_000_000

    /// The first UTC day (days since 1970) a retention window of `retentionDays` keeps at `now`:
    /// the day holding `now − retentionDays × 24 h`. Every earlier day is beyond the window.
    public static func firstKeptDay(retentionDays: Int, now: Int64) -> Int64 {
        floorDiv(now - Int64(retentionDays) * secondsPerDay, secondsPerDay)
    }

    /// The UTC day holding an instant in Unix microseconds.
    static func day(ofMicros micros: Int64) -> Int64 { floorDiv(micros, microsPerDay) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { CivilTime.floorDiv(a, b) }

    /// `YYYY-MM-DD` of a day number (proleptic Gregorian, H. Hinnant's civil_from_days).
    public static func dayString(_ day: Int64) -> String {
        let (y, m, d) = CivilTime.civilFromDays(day)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// The day number of a strict `YYYY-MM-DD` (years 1000…9999), or nil.
    public static func dayNumber(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for b in bytes[range] {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int64(b - UInt8(ascii: "0"))
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), y >= 1000, (1...12).contains(m)
        else { return nil }
        guard d >= 1, d <= CivilTime.daysInMonth(year: Int(y), month: Int(m)) else { return nil }
        return CivilTime.daysFromCivil(year: Int(y), month: Int(m), day: Int(d))
    }
}
