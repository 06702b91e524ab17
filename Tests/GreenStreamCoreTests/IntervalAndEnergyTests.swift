import Testing
@testable import GreenStreamCore

struct IntervalAndEnergyTests {
    func interval(_ times: [String]) -> Int64? {
        let rows = times.map { RowRecord(meter: 1, ts: micros($0), value: 0, offset: 0, line: 0, kind: .power) }
        var scratch: [Int64] = []
        return rows.withUnsafeBufferPointer { MeterCleaner.interval(of: $0, diffs: &scratch) }
    }

    @Test("R-T2-2 the interval is the most frequent difference; a tie takes the smaller")
    func intervalMode() {
        let quarterHour: Int64 = 900_000_000
        let fiveMinutes: Int64 = 300_000_000
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T01:30:00Z"]) == quarterHour)
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z"]) == quarterHour)
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z", "2024-01-01T02:05:00Z", "2024-01-01T02:10:00Z"]) == fiveMinutes)
    }

    @Test("R-T2-2 no interval for one row, under 1 minute or over 24 hours; the bounds count")
    func intervalBounds() {
        #expect(interval(["2024-01-01T00:00:00Z"]) == nil)
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-01T00:00:59Z"]) == nil)
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z"]) == 60_000_000)
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]) == 86_400_000_000)
        #expect(interval(["2024-01-01T00:00:00Z", "2024-01-02T00:00:01Z"]) == nil)
    }

    @Test("R-T2-0 energy becomes kWh ÷ interval hours, in Wh, kWh and MWh")
    func energyToPower() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,0.5,kWh", "1,2024-01-01T00:15:00Z,250,Wh", "1,2024-01-01T00:30:00Z,0.001,MWh",
            "1,2024-01-01T00:45:00Z,1,kW"))
        #expect(out.readings.kw == [0.5 / 0.25, 0.25 / 0.25, 0.001 * 1000 / 0.25, 1])
    }

    @Test("R-T2-0 energy uses the interval even after a gap, and before outliers are judged")
    func energyAfterGap() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:30:00Z,1,kW", "1,2024-01-01T01:00:00Z,1,kW",
            "1,2024-01-01T04:00:00Z,2,kWh", "1,2024-01-01T04:30:00Z,60,kWh"))
        #expect(rejectSummary(out) == ["6:above_max"])
        #expect(out.readings.kw == [1, 1, 1, 4])
    }

    @Test("R-T2-0 energy rows on a meter with no interval reject unknown_interval and are no slot")
    func energyWithoutInterval() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kWh",
            "2,2024-01-01T00:00:00Z,1,kW", "2,2024-01-03T00:00:00Z,1,kWh", "2,2024-01-05T00:00:00Z,2,kW"))
        #expect(rejectSummary(out) == ["2:unknown_interval", "4:unknown_interval"])
        #expect(out.readings.meterID == [2, 2])
    }

    @Test("R-T2-2 irregular intervals: only exact multiples of the interval synthesise slots")
    func irregularIntervals() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z,2,kW", "1,2024-01-01T00:37:00Z,3,kW",
            "1,2024-01-01T00:52:00Z,4,kW", "1,2024-01-01T01:22:00Z,6,kW"))
        #expect(readings(out).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:37:00Z",
            "2024-01-01T00:52:00Z", "2024-01-01T01:07:00Z", "2024-01-01T01:22:00Z",
        ])
        #expect(out.readings.kw[4] == 5)
    }
}
