/// Calendar arithmetic without Foundation (the generator's hot loop formats millions of timestamps).
enum CivilTime {
    /// (year, month, day) of a day count since 1970-01-01 (H. Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Floor division for instants before 1970 too.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// "YYYY-MM-DD" of a UTC day number.
    static func dateString(days: Int64) -> String {
        let (y, m, d) = civil(fromDays: days)
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Europe/Berlin's UTC offset in seconds (EU rule since 1996: summer time from the last Sunday of
    /// March to the last Sunday of October, switching at 01:00 UTC).
    static func berlinOffset(unixSeconds t: Int64) -> Int64 {
        let (y, _, _) = civil(fromDays: floorDiv(t, 86_400))
        let start = lastSunday(year: y, month: 3) * 86_400 + 3_600
        let end = lastSunday(year: y, month: 10) * 86_400 + 3_600
        return t >= start && t < end ? 7_200 : 3_600
    }

    /// Day number of the last Sunday of a month.
    static func lastSunday(year: Int64, month: Int64) -> Int64 {
        let nextMonthFirst =
            month == 12 ? days(year: year + 1, month: 1, day: 1) : days(year: year, month: month + 1, day: 1)
        let last = nextMonthFirst - 1
        // 1970-01-01 was a Thursday: weekday 0 = Sunday → (days + 4) mod 7.
        let weekday = ((last + 4) % 7 + 7) % 7
        return last - weekday
    }
}
