/// Proleptic Gregorian calendar arithmetic on integers (no Foundation), used by the
/// timestamp parser (R-T1-2) and by the UTC text written to outputs.
///
/// Day numbers count from 1970-01-01 = 0, following H. Hinnant's `days_from_civil`.
public enum CivilTime {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// 0001-01-01T00:00:00Z in microseconds since the epoch: the earliest instant allowed.
    public static let minMicros: Int64 = daysFromCivil(year: 1, month: 1, day: 1) * microsPerDay
    /// 9999-12-31T23:59:59.999999Z: the latest instant allowed.
    public static let maxMicros: Int64 = daysFromCivil(year: 10000, month: 1, day: 1) * microsPerDay - 1

    @inlinable
    public static func isLeapYear(_ y: Int) -> Bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a valid civil date.
    @inlinable @inline(__always)
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    @inlinable
    public static func civilFromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Floor division, so instants before 1970 map to the right day and hour.
    @inlinable
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Appends `YYYY-MM-DDThh:mm:ss.ffffffZ` for a UTC instant to `out`.
    public static func appendISO8601(micros: Int64, to out: inout [UInt8]) {
        let days = floorDiv(micros, microsPerDay)
        var rest = micros - days * microsPerDay
        let (y, m, d) = civilFromDays(days)
        let hour = Int(rest / microsPerHour)
        rest -= Int64(hour) * microsPerHour
        let minute = Int(rest / 60_000_000)
        rest -= Int64(minute) * 60_000_000
        let second = Int(rest / microsPerSecond)
        let frac = Int(rest - Int64(second) * microsPerSecond)
        appendDigits(y, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(m, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(d, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(second, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(frac, width: 6, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// The UTC text of an instant, e.g. `2024-02-29T23:15:00.000000Z`.
    public static func iso8601(micros: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        appendISO8601(micros: micros, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @inlinable
    static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 48 + v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}
