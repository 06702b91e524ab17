import GreenStreamCore

/// Times and durations as gsctl prints them.
public enum TimeText {
    /// `2026-12-01T23:05:09Z` for UTC microseconds (seconds, truncated); "" for 0 (not set).
    public static func iso(_ micros: Int64) -> String {
        guard micros != 0 else { return "" }
        let seconds = CivilTime.floorDiv(micros, CivilTime.microsPerSecond)
        let days = CivilTime.floorDiv(seconds, 86_400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        let s = Int(seconds - days * 86_400)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))Z"
    }

    /// A JSON timestamp: the ISO text, or null for 0.
    static func json(_ micros: Int64) -> JSONValue { micros == 0 ? .null : .string(iso(micros)) }

    /// How long ago, in the largest whole unit: `45s`, `12m`, `3h`, `9d`; `-` when unknown.
    public static func age(since micros: Int64, now: Int64) -> String {
        guard micros > 0 else { return "-" }
        let s = max(0, (now - micros) / 1_000_000)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }

    /// `5 s`, `2.5 s`, `250 ms`: a timeout as error lines name it.
    public static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        if ms < 1000 { return "\(ms) ms" }
        return "\(Double(ms) / 1000) s"
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
