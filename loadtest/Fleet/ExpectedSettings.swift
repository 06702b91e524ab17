/// The transform settings of the cluster under test (SPEC §2–4), as the coordinator takes them.
///
/// The fleet writes timestamps with explicit UTC offsets, so by default the expectation does not depend
/// on the source zone; DST is exercised by Europe/Berlin offsets (+01:00 → +02:00 on 2026-03-29). One
/// spelling has no designator and is local time in `sourceTimeZone` when that is `UTC` or (while the span
/// has no repeated hour) `Europe/Berlin`; for any other zone it is not used. A cluster must run with
/// `environment` for the expectation to hold. Grid hours are keyed by their UTC start, which is exact
/// for any grid zone whose offsets are whole hours (UTC, Europe/Berlin, …).
public struct ExpectedSettings: Sendable, Codable, Equatable {
    /// `GS_SOURCE_TZ`. Default `UTC`.
    public var sourceTimeZone: String
    /// `GS_GRID_TZ`. Default `UTC`; must have whole-hour offsets for `gridHourly`'s keys to hold.
    public var gridTimeZone: String
    /// `GS_MAX_KW`. Default 100.
    public var maxKW: Double
    /// `GS_MAX_GAP` in seconds. Default 7200 (2 h).
    public var maxGapSeconds: Int
    /// `GS_MAX_FILE_BYTES`. Default 256 MiB; the fleet's files stay far below it.
    public var maxFileBytes: Int

    public init(
        sourceTimeZone: String = "UTC", gridTimeZone: String = "UTC", maxKW: Double = 100,
        maxGapSeconds: Int = 7200, maxFileBytes: Int = 256 * 1024 * 1024
    ) {
        self.sourceTimeZone = sourceTimeZone
        self.gridTimeZone = gridTimeZone
        self.maxKW = maxKW
        self.maxGapSeconds = maxGapSeconds
        self.maxFileBytes = maxFileBytes
    }

    /// The environment a cluster must be started with (cluster/local.sh passes GS_* through) for
    /// these settings; empty for the defaults.
    public var environment: [String: String] {
        let d = ExpectedSettings()
        var env: [String: String] = [:]
        if sourceTimeZone != d.sourceTimeZone { env["GS_SOURCE_TZ"] = sourceTimeZone }
        if gridTimeZone != d.gridTimeZone { env["GS_GRID_TZ"] = gridTimeZone }
        if maxKW != d.maxKW { env["GS_MAX_KW"] = "\(maxKW)" }
        if maxGapSeconds != d.maxGapSeconds { env["GS_MAX_GAP"] = "\(maxGapSeconds)s" }
        if maxFileBytes != d.maxFileBytes { env["GS_MAX_FILE_BYTES"] = "\(maxFileBytes)" }
        return env
    }
}
