/// Byte-level parser for R-T1-2 timestamps:
/// `YYYY-MM-DD(T| )hh:mm[:ss[.f…]]` with an optional `Z`, `±hh:mm`, `±hhmm` or `±hh`.
///
/// Fractions past microseconds are truncated. `T` and `Z` must be uppercase.
public enum ISO8601Timestamp {
    /// A parsed timestamp, before any time zone is applied to a naive one.
    public enum Parsed: Equatable, Sendable {
        /// An instant with an explicit designator: microseconds since the epoch, UTC.
        case instant(Int64)
        /// A naive wall time: microseconds since the epoch as if it were UTC.
        case local(Int64)
    }

    /// Parses `bytes`, or returns nil when the text is not a valid timestamp (bad syntax,
    /// impossible date or time, offset out of range, UTC instant outside years 1–9999).
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Parsed? {
        let n = b.count
        guard n >= 16 else { return nil }
        guard let year = digits(b, 0, 4), b[4] == 0x2D,
            let month = digits(b, 5, 2), b[7] == 0x2D,
            let day = digits(b, 8, 2),
            b[10] == UInt8(ascii: "T") || b[10] == 0x20,
            let hour = digits(b, 11, 2), b[13] == 0x3A,
            let minute = digits(b, 14, 2)
        else { return nil }
        guard year >= 1, month >= 1, month <= 12, day >= 1,
            day <= CivilTime.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59
        else { return nil }
        var i = 16
        var second = 0
        var micros = 0
        if i < n && b[i] == 0x3A {
            guard let s = digits(b, i + 1, 2), s <= 59 else { return nil }
            second = s
            i += 3
            if i < n && b[i] == 0x2E {
                i += 1
                let fracStart = i
                var scale = 100_000
                while i < n, b[i] &- 48 < 10 {
                    micros += Int(b[i] &- 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > fracStart else { return nil }
            }
        }
        var offsetSeconds: Int? = nil
        if i < n {
            if b[i] == UInt8(ascii: "Z") {
                offsetSeconds = 0
                i += 1
            } else {
                guard let off = parseOffset(b, from: i) else { return nil }
                offsetSeconds = off.seconds
                i = off.end
            }
        }
        guard i == n else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let wallSeconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let wallMicros = wallSeconds * CivilTime.microsPerSecond + Int64(micros)
        guard let offsetSeconds else { return .local(wallMicros) }
        let utc = wallMicros - Int64(offsetSeconds) * CivilTime.microsPerSecond
        guard utc >= CivilTime.minMicros, utc <= CivilTime.maxMicros else { return nil }
        return .instant(utc)
    }

    /// Parses `±hh:mm`, `±hhmm` or `±hh` (hours ≤ 23, minutes ≤ 59) starting at `i`;
    /// returns the signed offset in seconds and the index after it.
    static func parseOffset(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> (seconds: Int, end: Int)? {
        guard i < b.count else { return nil }
        let sign: Int
        switch b[i] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        guard let hh = digits(b, i + 1, 2), hh <= 23 else { return nil }
        var end = i + 3
        var mm = 0
        if end < b.count {
            if b[end] == 0x3A {
                guard let m = digits(b, end + 1, 2) else { return nil }
                mm = m
                end += 3
            } else if let m = digits(b, end, 2) {
                mm = m
                end += 2
            } else {
                return nil
            }
        }
        guard mm <= 59 else { return nil }
        return (sign * (hh * 3600 + mm * 60), end)
    }

    /// The value of `count` ASCII digits at `start`, or nil if any is missing or not a digit.
    @inline(__always)
    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var v = 0
        for k in start..<(start + count) {
            let d = b[k] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }
}
