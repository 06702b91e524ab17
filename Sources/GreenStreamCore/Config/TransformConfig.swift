/// Settings of the transform (SPEC §1–4), with the spec's defaults.
public struct TransformConfig: Sendable {
    /// Zone for timestamps without a designator (R-T1-2). Default UTC.
    public var sourceTimeZone: ZoneRules
    /// Zone of `hour_of_day` and the peak window (R-F-1). Default UTC.
    public var gridTimeZone: ZoneRules
    /// Readings above this many kW are outliers, `above_max` (R-T2-1). Default 100.
    public var maxKW: Double
    /// Holes whose valid neighbours are at most this far apart are filled (R-T2-4),
    /// in microseconds. Default 2 h.
    public var maxGapMicros: Int64
    /// Tariff peak window (R-F-2). Default 17–21.
    public var peakWindow: PeakWindow
    /// Files larger than this fail with `too_large` (R-IN-3). Default 256 MiB.
    public var maxFileBytes: Int

    public static let defaultMaxKW = 100.0
    public static let defaultMaxGapMicros: Int64 = 2 * 3_600_000_000
    public static let defaultMaxFileBytes = 256 * 1024 * 1024

    public init(
        sourceTimeZone: ZoneRules = .utc,
        gridTimeZone: ZoneRules = .utc,
        maxKW: Double = TransformConfig.defaultMaxKW,
        maxGapMicros: Int64 = TransformConfig.defaultMaxGapMicros,
        peakWindow: PeakWindow = .default,
        maxFileBytes: Int = TransformConfig.defaultMaxFileBytes
    ) {
        self.sourceTimeZone = sourceTimeZone
        self.gridTimeZone = gridTimeZone
        self.maxKW = maxKW
        self.maxGapMicros = maxGapMicros
        self.peakWindow = peakWindow
        self.maxFileBytes = maxFileBytes
    }

    /// Checks values a caller may have set by hand.
    /// - Throws: the first invalid setting.
    public func validate() throws(ConfigError) {
        guard maxKW.isFinite, maxKW >= 0 else { throw .invalidMaxKW("\(maxKW)") }
        guard maxGapMicros > 0 else { throw .invalidDuration("\(maxGapMicros)µs") }
        guard maxFileBytes >= 1, maxFileBytes <= Int(Int32.max) else { throw .invalidMaxFileBytes(maxFileBytes) }
    }

    /// Parses a duration such as `2h`, `90m`, `45s`, `1h30m` into microseconds.
    /// - Throws: `ConfigError.invalidDuration` for anything else, or a zero duration.
    public static func parseDuration(_ text: String) throws(ConfigError) -> Int64 {
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        for c in text.utf8 {
            if c >= 48 && c <= 57 {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(c - 48))
                guard !o1, !o2 else { throw .invalidDuration(text) }
                number = s
                continue
            }
            let unit: Int64
            switch c {
            case UInt8(ascii: "h"): unit = 3_600_000_000
            case UInt8(ascii: "m"): unit = 60_000_000
            case UInt8(ascii: "s"): unit = 1_000_000
            default: throw .invalidDuration(text)
            }
            guard let n = number else { throw .invalidDuration(text) }
            let (p, o1) = n.multipliedReportingOverflow(by: unit)
            let (t, o2) = total.addingReportingOverflow(p)
            guard !o1, !o2 else { throw .invalidDuration(text) }
            total = t
            number = nil
            sawUnit = true
        }
        guard sawUnit, number == nil, total > 0 else { throw .invalidDuration(text) }
        return total
    }
}
