import Testing
@testable import GreenStreamCore

struct ConfigTests {
    @Test("spec defaults: UTC zones, 100 kW, 2 h, 17–21, 256 MiB")
    func defaults() {
        let c = TransformConfig()
        #expect(c.sourceTimeZone.name == "UTC" && c.gridTimeZone.name == "UTC")
        #expect(c.maxKW == 100)
        #expect(c.maxGapMicros == 7_200_000_000)
        #expect(c.peakWindow == PeakWindow.default && c.peakWindow.start == 17 && c.peakWindow.end == 21)
        #expect(c.maxFileBytes == 268_435_456)
    }

    @Test("durations", arguments: [("2h", Int64(7_200_000_000)), ("90m", 5_400_000_000), ("45s", 45_000_000), ("1h30m", 5_400_000_000)])
    func durations(text: String, micros: Int64) throws {
        #expect(try TransformConfig.parseDuration(text) == micros)
    }

    @Test("invalid durations", arguments: ["", "2", "h", "0h", "2d", "-1h", "1.5h", "2 h", "99999999999999999999h"])
    func invalidDurations(text: String) {
        #expect(throws: ConfigError.invalidDuration(text)) { try TransformConfig.parseDuration(text) }
    }

    @Test("validate refuses a negative or non-finite maximum kW and absurd size limits")
    func validation() {
        var c = TransformConfig()
        c.maxKW = -1
        #expect(throws: ConfigError.self) { try c.validate() }
        c.maxKW = .infinity
        #expect(throws: ConfigError.self) { try c.validate() }
        c = TransformConfig()
        c.maxFileBytes = 0
        #expect(throws: ConfigError.invalidMaxFileBytes(0)) { try c.validate() }
        #expect(throws: Never.self) { try TransformConfig().validate() }
    }
}
