import Testing
@testable import GreenStreamCore

struct TimeZoneTests {
    func config(source: String) throws -> TransformConfig {
        var c = TransformConfig()
        c.sourceTimeZone = try ZoneRules(named: source)
        return c
    }

    @Test("R-T1-2 autumn DST day: the repeated hour listed twice in order keeps both hours")
    func autumnFoldListedInOrder() throws {
        // Europe/Berlin: 2024-10-27 03:00 CEST → 02:00 CET, so 02:00–02:59 happens twice.
        let out = try transform(csv(
            "1,2024-10-27 01:30,1,kW",
            "1,2024-10-27 02:00,2,kW",
            "1,2024-10-27 02:30,3,kW",
            "1,2024-10-27 02:00,4,kW",
            "1,2024-10-27 02:30,5,kW",
            "1,2024-10-27 03:00,6,kW"), try config(source: "Europe/Berlin"))
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.ts) == [
            "2024-10-26T23:30:00Z", "2024-10-27T00:00:00Z", "2024-10-27T00:30:00Z",
            "2024-10-27T01:00:00Z", "2024-10-27T01:30:00Z", "2024-10-27T02:00:00Z",
        ])
        #expect(out.readings.kw == [1, 2, 3, 4, 5, 6])
    }

    @Test("R-T1-2 an ambiguous time alone takes the earlier instant; other meters do not count")
    func ambiguousTakesEarlier() throws {
        let out = try transform(csv(
            "2,2024-11-03 01:30,7,kW", "1,2024-11-03 01:30,1,kW", "1,2024-11-03 01:30,x,kW"),
            try config(source: "America/New_York"))
        // Meter 1's second row has the earlier instant taken (even though its value is bad): it takes the later one.
        #expect(rejectSummary(out) == ["4:invalid_value"])
        #expect(readings(out).map(\.ts) == ["2024-11-03T05:30:00Z", "2024-11-03T05:30:00Z"])
        #expect(out.rejects[0].timestamp == "2024-11-03 01:30")
    }

    @Test("R-T1-2 a third listing of the repeated hour is a duplicate of the later instant")
    func thirdListingIsDuplicate() throws {
        let out = try transform(csv(
            "1,2024-11-03 01:00,1,kW", "1,2024-11-03 01:00,2,kW", "1,2024-11-03 01:00,3,kW"),
            try config(source: "America/New_York"))
        #expect(rejectSummary(out) == ["4:duplicate_reading"])
        #expect(readings(out).map(\.ts) == ["2024-11-03T05:00:00Z", "2024-11-03T06:00:00Z"])
    }

    @Test("R-T1-2 a spring-forward gap time rejects invalid_timestamp")
    func springForwardGap() throws {
        let out = try transform(csv(
            "1,2024-03-10 01:59:59,1,kW", "1,2024-03-10 02:00,1,kW", "1,2024-03-10 02:30,1,kW", "1,2024-03-10 03:00,1,kW"),
            try config(source: "America/New_York"))
        #expect(rejectSummary(out) == ["3:invalid_timestamp", "4:invalid_timestamp"])
        #expect(readings(out).map(\.ts) == ["2024-03-10T06:59:59Z", "2024-03-10T07:00:00Z"])
    }

    @Test("R-T1-2 files with explicit offsets need no zone rules")
    func explicitOffsetsIgnoreSourceZone() throws {
        let out = try transform(csv("1,2024-03-10T02:30:00-05:00,1,kW"), try config(source: "America/New_York"))
        #expect(readings(out).map(\.ts) == ["2024-03-10T07:30:00Z"])
    }

    @Test("zone names: UTC, offsets and IANA names; anything else is a clear error", arguments: [
        "UTC", "Z", "+05:30", "-0800", "+01", "Europe/Berlin", "Asia/Kolkata",
    ])
    func zoneNames(name: String) throws {
        _ = try ZoneRules(named: name)
    }

    @Test("unknown zone names throw unknownTimeZone", arguments: ["Mars/Olympus", "+25:00", "05:30", "+05:30x", ""])
    func badZoneNames(name: String) {
        #expect(throws: ConfigError.unknownTimeZone(name)) { try ZoneRules(named: name) }
    }

    @Test("R-F-1 hour of day in an IANA grid zone follows DST; in +05:30 hours start at :30 UTC")
    func gridHours() throws {
        let berlin = try ZoneRules(named: "Europe/Berlin")
        #expect(berlin.hourOfDay(utcMicros: micros("2024-01-15T16:00:00Z")) == 17)
        #expect(berlin.hourOfDay(utcMicros: micros("2024-07-15T16:00:00Z")) == 18)
        #expect(berlin.hourOfDay(utcMicros: micros("1900-07-15T16:00:00Z")) == 17)
        #expect(berlin.hourOfDay(utcMicros: micros("2500-07-15T16:00:00Z")) == 18)
        let india = try ZoneRules(named: "+05:30")
        #expect(india.hourOfDay(utcMicros: micros("2024-01-15T11:29:59Z")) == 16)
        #expect(india.hourOfDay(utcMicros: micros("2024-01-15T11:30:00Z")) == 17)
        #expect(ZoneRules.utc.hourOfDay(utcMicros: micros("1969-12-31T23:59:59Z")) == 23)
    }
}
