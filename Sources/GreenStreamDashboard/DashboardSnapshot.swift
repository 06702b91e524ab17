import Foundation
import GreenStreamCore
import GreenStreamStore

/// Everything the page shows, computed once and shared by the page and every `/api/*` route, so
/// the JSON API carries exactly the page's numbers. Encoded with snake_case keys.
public struct DashboardSnapshot: Sendable, Equatable, Codable {
    /// Database clock when the oldest of its queries started, unix microseconds: everything
    /// committed before this instant is in the snapshot (the grid may be served a little stale
    /// while it is recomputed; see SnapshotCache).
    public var generatedAtMicros: Int64
    public var grid: DashboardGridDay
    public var peak: Peak
    public var totals: Totals
    public var throughput: Throughput
    public var jobs: Jobs
    public var workers: Workers
    public var quarantine: [DashboardQuarantinedFile]

    /// The day's peak hours (R-F-3) and the tariff peak window.
    public struct Peak: Sendable, Equatable, Codable {
        public var day: String
        /// The window's first hour and the first hour after it, on the grid zone's clock (may wrap).
        public var windowStartHour: Int
        public var windowEndHour: Int
        /// The three highest-load hours, highest first.
        public var hours: [DashboardGridHour]
        /// Mean load over the day's hours inside the window that have readings (nil when none).
        public var windowMeanLoadKW: Double?
    }

    /// Sums over the day's hours.
    public struct Totals: Sendable, Equatable, Codable {
        /// Σ hourly load × 1 h, kWh.
        public var energyKwh: Double
        /// Hours with readings.
        public var hours: Int
        /// Most meters that reported in one hour.
        public var maxMeters: Int
        /// The peak hour's load (0 with no hours).
        public var peakLoadKW: Double
    }

    public struct Throughput: Sendable, Equatable, Codable {
        public var windowSeconds: Int
        public var bucketSeconds: Int
        /// Readings stored by jobs that finished in the window, and the window's mean rate.
        public var readings: Int64
        public var readingsPerSecond: Double
        /// Rate of the last complete bucket (the one before the filling one).
        public var lastBucketReadingsPerSecond: Double
        public var buckets: [DashboardThroughput.Bucket]
    }

    /// Jobs per state, every state named.
    public struct Jobs: Sendable, Equatable, Codable {
        public var byState: [String: Int64]
        public var total: Int64
    }

    public struct Workers: Sendable, Equatable, Codable {
        /// Heard from within the heartbeat timeout.
        public var alive: Int
        public var heartbeatTimeoutSeconds: Double
        public var list: [DashboardWorker]
    }
}

extension DashboardSnapshot {
    /// Assembles a snapshot from query results (pure: the tests and the loader share it).
    init(
        grid: DashboardGridDay, throughput: DashboardThroughput, counts: [JobState: Int64], workers: [DashboardWorker],
        quarantine: [DashboardQuarantinedFile], configuration: DashboardConfiguration
    ) {
        let window = configuration.peakWindow
        let inWindow = grid.hours.filter { window.contains(hour: UInt8(clamping: $0.hourOfDay)) }
        let ranked = grid.hours.sorted {
            $0.peakRank < $1.peakRank || ($0.peakRank == $1.peakRank && $0.hourStartMicros < $1.hourStartMicros)
        }
        let buckets = throughput.buckets
        let lastComplete = buckets.count >= 2 ? buckets[buckets.count - 2].readings : 0
        var byState: [String: Int64] = [:]
        for state in JobState.allCases { byState[state.rawValue] = counts[state] ?? 0 }
        self.init(
            generatedAtMicros: min(grid.nowMicros, throughput.nowMicros), grid: grid,
            peak: Peak(
                day: grid.day, windowStartHour: window.start, windowEndHour: window.end,
                hours: Array(ranked.prefix(3)),
                windowMeanLoadKW: inWindow.isEmpty
                    ? nil : inWindow.reduce(0) { $0 + $1.loadKW } / Double(inWindow.count)),
            totals: Totals(
                energyKwh: grid.hours.reduce(0) { $0 + $1.loadKW }, hours: grid.hours.count,
                maxMeters: grid.hours.map(\.meters).max() ?? 0, peakLoadKW: ranked.first?.loadKW ?? 0),
            throughput: Throughput(
                windowSeconds: throughput.windowSeconds, bucketSeconds: throughput.bucketSeconds,
                readings: throughput.readings, readingsPerSecond: throughput.readingsPerSecond,
                lastBucketReadingsPerSecond: Double(lastComplete) / Double(max(1, throughput.bucketSeconds)),
                buckets: buckets),
            jobs: Jobs(byState: byState, total: byState.values.reduce(0, +)),
            workers: Workers(
                alive: workers.filter { $0.secondsSinceHeartbeat <= configuration.heartbeatTimeoutSeconds }.count,
                heartbeatTimeoutSeconds: configuration.heartbeatTimeoutSeconds, list: workers),
            quarantine: quarantine)
    }
}
