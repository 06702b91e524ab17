/// An invalid transform setting, reported before any file is read.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither `UTC`, a fixed offset like `+05:30`, nor an IANA zone name.
    case unknownTimeZone(String)
    /// Not a duration like `2h`, `90m`, `45s` or `1h30m`, or not positive.
    case invalidDuration(String)
    /// Not `START-END` with hours 0–23 (END may be 24).
    case invalidPeakWindow(String)
    /// The maximum kW must be a finite number ≥ 0.
    case invalidMaxKW(String)
    /// The size limit must be between 1 byte and 2 GiB − 1.
    case invalidMaxFileBytes(Int)

    public var description: String {
        switch self {
        case .unknownTimeZone(let s): "unknown time zone '\(s)' (use UTC, an offset like +05:30, or an IANA name like Europe/Berlin)"
        case .invalidDuration(let s): "invalid duration '\(s)' (use e.g. 2h, 90m, 45s, 1h30m)"
        case .invalidPeakWindow(let s): "invalid peak window '\(s)' (use START-END hours, e.g. 17-21 or 22-6)"
        case .invalidMaxKW(let s): "invalid maximum kW '\(s)' (a number ≥ 0)"
        case .invalidMaxFileBytes(let n): "invalid maximum file size \(n) (1 byte to 2 GiB − 1)"
        }
    }
}
