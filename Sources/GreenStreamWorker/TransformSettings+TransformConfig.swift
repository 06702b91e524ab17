import GreenStreamCore
import GreenStreamRPC

extension TransformSettings {
    /// The transform configuration these wire settings describe (SPEC §2–4).
    ///
    /// proto3 cannot tell "unset" from zero, so an empty zone means UTC and a zero `max_kw`,
    /// `max_gap_seconds` or `max_file_bytes` means the spec's default (100 kW, 2 h, 256 MiB); a
    /// zero-width peak window (`start == end`) is a real setting: no peak hours.
    /// - Throws: ``GreenStreamCore/ConfigError`` for an unknown zone, a peak window outside 0–24,
    ///   a negative or infinite `max_kw`, or a size limit the transform cannot take.
    public func transformConfig() throws(ConfigError) -> TransformConfig {
        guard maxFileBytes <= UInt64(Int32.max) else { throw .invalidMaxFileBytes(Int(clamping: maxFileBytes)) }
        let config = TransformConfig(
            sourceTimeZone: try ZoneRules(named: sourceTimeZone.isEmpty ? "UTC" : sourceTimeZone),
            gridTimeZone: try ZoneRules(named: gridTimeZone.isEmpty ? "UTC" : gridTimeZone),
            maxKW: maxKW == 0 ? TransformConfig.defaultMaxKW : maxKW,
            maxGapMicros: maxGapSeconds == 0 ? TransformConfig.defaultMaxGapMicros : Int64(maxGapSeconds) * 1_000_000,
            peakWindow: try PeakWindow(start: Int(clamping: peakStartHour), end: Int(clamping: peakEndHour)),
            maxFileBytes: maxFileBytes == 0 ? TransformConfig.defaultMaxFileBytes : Int(maxFileBytes))
        try config.validate()
        return config
    }
}
