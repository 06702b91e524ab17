import GreenStreamCore
import Testing

@testable import GreenStreamDashboard
@testable import GreenStreamStore

/// The snapshot's assembly from query results (pure) and the listen address parser.
struct DashboardSnapshotTests {
    static func hour(_ h: Int, _ load: Double, rank: Int, meters: Int = 10) -> DashboardGridHour {
        DashboardGridHour(
            hourStartMicros: Int64(h) * 3_600_000_000, hourOfDay: h, meters: meters, loadKW: load, peakRank: rank)
    }

    static func snapshot(hours: [DashboardGridHour], window: PeakWindow) -> DashboardSnapshot {
        let grid = DashboardGridDay(
            day: "1970-01-01", zone: "UTC", startMicros: 0, endMicros: 86_400_000_000, isToday: false,
            nowMicros: 900, hours: hours)
        let throughput = DashboardThroughput(
            nowMicros: 1000, windowSeconds: 30, bucketSeconds: 10,
            buckets: [
                .init(startMicros: 0, readings: 300, jobs: 1), .init(startMicros: 10, readings: 50, jobs: 1),
                .init(startMicros: 20, readings: 10, jobs: 1),
            ])
        return DashboardSnapshot(
            grid: grid, throughput: throughput, counts: [.succeeded: 3, .quarantined: 1], workers: [], quarantine: [],
            configuration: DashboardConfiguration(peakWindow: window))
    }

    @Test("R-F-3: peak hours by rank, totals over the day, the window's mean (a window may wrap midnight)")
    func assembly() throws {
        let hours = [
            Self.hour(0, 4, rank: 2), Self.hour(7, 1, rank: 4), Self.hour(18, 9, rank: 1), Self.hour(23, 3, rank: 3),
        ]
        let evening = Self.snapshot(hours: hours, window: try PeakWindow(start: 17, end: 21))
        #expect(evening.peak.hours.map(\.hourOfDay) == [18, 0, 23])
        #expect(evening.peak.windowMeanLoadKW == 9)
        #expect(evening.totals == .init(energyKwh: 17, hours: 4, maxMeters: 10, peakLoadKW: 9))
        let night = Self.snapshot(hours: hours, window: try PeakWindow(start: 22, end: 2))
        #expect(night.peak.windowMeanLoadKW == 3.5)
        #expect(night.peak.windowStartHour == 22 && night.peak.windowEndHour == 2)
        #expect(Self.snapshot(hours: [], window: .default).peak.windowMeanLoadKW == nil)
        #expect(Self.snapshot(hours: [], window: .default).totals.peakLoadKW == 0)
    }

    @Test("issue 11: every job state is named; rates from the window and the last complete bucket")
    func jobsAndThroughput() {
        let s = Self.snapshot(hours: [], window: .default)
        #expect(s.jobs.byState.count == JobState.allCases.count)
        #expect(s.jobs.byState["succeeded"] == 3 && s.jobs.byState["pending"] == 0)
        #expect(s.jobs.total == 4)
        #expect(s.throughput.readings == 360)
        #expect(s.throughput.readingsPerSecond == 12)
        #expect(s.throughput.lastBucketReadingsPerSecond == 5)
        #expect(s.generatedAtMicros == 900, "the oldest query's start")
    }

    @Test("issue 11: --http-listen takes HOST:PORT and [v6]:PORT, nothing else")
    func listenAddresses() throws {
        #expect(try DashboardConfiguration.parseListen("127.0.0.1:8080") == ("127.0.0.1", 8080))
        #expect(try DashboardConfiguration.parseListen("0.0.0.0:1") == ("0.0.0.0", 1))
        #expect(try DashboardConfiguration.parseListen("[::1]:8080") == ("::1", 8080))
        for bad in ["8080", ":8080", "host:", "host:0", "host:65536", "host:http"] {
            #expect(throws: DashboardError.self) { try DashboardConfiguration.parseListen(bad) }
        }
        let server = DashboardServer(
            configuration: DashboardConfiguration(host: "::1", port: 9000), postgresURL: "postgresql://x@127.0.0.1:1/x",
            logger: .init(label: "t"))
        #expect(server.url == "http://[::1]:9000/")
    }
}
