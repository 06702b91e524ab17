/// What fleet to generate: its size, shape, faults and the cluster settings its expectation assumes.
///
/// Everything a fleet contains follows from this value: the same spec always gives the same files,
/// byte for byte, and the same expectation (docs: loadtest/Fleet/README.md).
public struct FleetSpec: Sendable, Codable, Equatable {
    /// Seeds every random decision (loads, units, faults, layout). Default 1.
    public var seed: UInt64
    /// Number of meters. Default 10 000.
    public var meters: Int
    /// Span of the fleet's readings in hours, from `startUnixSeconds`. Default 24.
    public var hours: Int
    /// Reading interval of every meter: 5, 15, 30 or 60 minutes. Default 15.
    public var intervalMinutes: Int
    /// First reading's instant. Default 2026-03-28T12:00:00Z, so the default 24 h cross the Europe/Berlin
    /// change to summer time (2026-03-29T01:00:00Z) and two UTC dates.
    public var startUnixSeconds: Int64
    /// Data files (corrections, the duplicate and the bad file come on top). Default readings / 100 000,
    /// at least 1; clamped to what the layout can fill (every data file holds at least one row).
    public var files: Int
    /// Which faults, at which rates.
    public var faults: FaultProfile
    /// The cluster's transform settings the expectation is computed for.
    public var settings: ExpectedSettings

    /// 2026-03-28T12:00:00Z: Europe/Berlin moves to summer time 13 h later, at 2026-03-29T01:00:00Z.
    public static let defaultStartUnixSeconds: Int64 = 1_774_699_200

    public init(
        meters: Int = 10_000, hours: Int = 24, intervalMinutes: Int = 15, seed: UInt64 = 1,
        startUnixSeconds: Int64 = FleetSpec.defaultStartUnixSeconds, files: Int? = nil,
        faults: FaultProfile = .realistic, settings: ExpectedSettings = ExpectedSettings()
    ) {
        precondition(meters >= 1, "a fleet needs at least one meter")
        precondition(hours >= 1, "a fleet spans at least one hour")
        precondition([5, 15, 30, 60].contains(intervalMinutes), "interval must be 5, 15, 30 or 60 minutes")
        self.seed = seed
        self.meters = meters
        self.hours = hours
        self.intervalMinutes = intervalMinutes
        self.startUnixSeconds = startUnixSeconds
        let readings = meters * hours * (60 / intervalMinutes)
        self.files = max(1, files ?? readings / 100_000)
        self.faults = faults
        self.settings = settings
    }

    /// Slots per meter over the span.
    public var slotsPerMeter: Int { hours * 60 / intervalMinutes }
    /// Meter × slot count: the readings a fault-free fleet ends with.
    public var nominalReadings: Int { meters * slotsPerMeter }
}
