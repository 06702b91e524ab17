import Testing
@testable import GreenStreamCore

struct FeatureTests {
    @Test("R-F-2 peak window [start, end), default 17–21", arguments: Array(0..<24))
    func defaultWindow(hour: Int) {
        #expect(PeakWindow.default.contains(hour: UInt8(hour)) == (hour >= 17 && hour < 21))
    }

    @Test("R-F-2 a window like 22–6 wraps past midnight", arguments: Array(0..<24))
    func wrappingWindow(hour: Int) throws {
        let window = try PeakWindow(parsing: "22-6")
        #expect(window.contains(hour: UInt8(hour)) == (hour >= 22 || hour < 6))
    }

    @Test("R-F-2 equal bounds mean no peak hours; end 24 runs to midnight")
    func windowEdges() throws {
        let empty = try PeakWindow(parsing: "5-5")
        #expect((0..<24).allSatisfy { !empty.contains(hour: UInt8($0)) })
        let evening = try PeakWindow(parsing: "18-24")
        #expect(evening.contains(hour: 23) && !evening.contains(hour: 0) && evening.contains(hour: 18))
    }

    @Test("invalid peak windows are clear errors", arguments: ["17", "17-", "-5", "25-3", "3-25", "a-b", "17-21-23", ""])
    func invalidWindows(text: String) {
        #expect(throws: ConfigError.invalidPeakWindow(text)) { try PeakWindow(parsing: text) }
    }

    @Test("R-F-1 R-F-2 hour_of_day and is_peak_window in the configured grid zone")
    func featuresInGridZone() throws {
        var config = TransformConfig()
        config.gridTimeZone = try ZoneRules(named: "America/New_York")
        let out = try transform(csv(
            "1,2024-07-01T20:00:00Z,1,kW", "1,2024-07-01T21:00:00Z,1,kW", "1,2024-07-02T01:00:00Z,1,kW",
            "2,2024-01-01T22:00:00Z,1,kW"), config)
        #expect(out.readings.hourOfDay == [16, 17, 21, 17])
        #expect(out.readings.isPeakWindow == [false, true, false, true])
    }

    @Test("R-F-1 default grid zone is UTC; interpolated slots get features too")
    func featuresOnInterpolated() throws {
        let out = try transform(csv("1,2024-01-01T16:00:00Z,1,kW", "1,2024-01-01T17:00:00Z,,kW", "1,2024-01-01T18:00:00Z,1,kW"))
        #expect(out.readings.hourOfDay == [16, 17, 18])
        #expect(out.readings.isPeakWindow == [false, true, true])
    }
}
