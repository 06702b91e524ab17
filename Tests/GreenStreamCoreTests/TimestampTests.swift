import Testing
@testable import GreenStreamCore

struct TimestampTests {
    @Test("R-T1-2 zone designators and forms", arguments: [
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000000Z"),
        ("2024-02-29 12:00:00Z", "2024-02-29T12:00:00.000000Z"),
        ("2024-02-29T12:00Z", "2024-02-29T12:00:00.000000Z"),
        ("2024-02-29T12:00:00+05:30", "2024-02-29T06:30:00.000000Z"),
        ("2024-02-29T12:00:00-0800", "2024-02-29T20:00:00.000000Z"),
        ("2024-02-29T12:00:00+01", "2024-02-29T11:00:00.000000Z"),
        ("2024-02-29T12:00+01", "2024-02-29T11:00:00.000000Z"),
        ("2024-01-01T00:30:00+23:59", "2023-12-31T00:31:00.000000Z"),
        ("2024-01-01T00:00:00-00:00", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500000Z"),
        ("2024-01-01T00:00:00.123456Z", "2024-01-01T00:00:00.123456Z"),
        ("2024-01-01T00:00:00.1234569999Z", "2024-01-01T00:00:00.123456Z"),
        ("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"),
        ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"),
        ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000000Z"),
    ])
    func explicitInstants(text: String, utc: String) {
        guard case .instant(let v)? = parseTimestamp(text) else {
            Issue.record("\(text) did not parse")
            return
        }
        #expect(CivilTime.iso8601(micros: v) == utc)
    }

    @Test("R-T1-2 impossible or malformed timestamps reject invalid_timestamp", arguments: [
        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z", "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z", "0000-01-01T00:00:00Z", "2024-01-01t00:00:00Z", "2024-01-01T00:00:00z",
        "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+05:60", "2024-01-01T00:00:00+5", "2024-01-01T00:00:00+05:3",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00,5Z", "2024-1-01T00:00:00Z", "24-01-01T00:00:00Z",
        "2024-01-01", "2024-01-01T00", "20240101T000000Z", "2024-01-01T00:00:00 Z", "2024-01-01T00:00:00ZZ",
        "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:00-00:01", "", "2024-01-01T00:00:00+05:30:00",
        "２０２４-01-01T00:00:00Z",
    ])
    func invalidTimestamps(text: String) throws {
        let field = text.contains(",") ? "\"\(text)\"" : text
        let out = try transform(csv("1,\(field),1,kW"))
        #expect(rejectSummary(out) == ["2:invalid_timestamp"])
    }

    @Test("R-T1-2 naive times are read in the source zone (default UTC)")
    func naiveTimes() throws {
        #expect(parseTimestamp("2024-07-01 12:00") == .local(micros("2024-07-01T12:00:00Z")))
        let utcOut = try transform(csv("1,2024-07-01 12:00,1,kW"))
        #expect(readings(utcOut).map(\.ts) == ["2024-07-01T12:00:00Z"])
        var config = TransformConfig()
        config.sourceTimeZone = try ZoneRules(named: "+05:30")
        let fixedOut = try transform(csv("1,2024-07-01 12:00,1,kW", "1,2024-07-01T12:00:00Z,2,kW"), config)
        #expect(readings(fixedOut).map(\.ts) == ["2024-07-01T06:30:00Z", "2024-07-01T12:00:00Z"])
    }

    @Test("R-T1-2 the UTC instant of a naive time must stay in years 1–9999")
    func naiveOutOfRange() throws {
        var config = TransformConfig()
        config.sourceTimeZone = try ZoneRules(named: "-01:00")
        let out = try transform(csv("1,9999-12-31T23:30:00,1,kW", "1,9999-12-31T22:30:00,1,kW"), config)
        #expect(rejectSummary(out) == ["2:invalid_timestamp"])
        #expect(out.readings.count == 1)
    }

    @Test("output ts text is YYYY-MM-DDThh:mm:ss.ffffffZ and round-trips")
    func iso8601RoundTrip() {
        for text in ["0001-01-01T00:00:00.000000Z", "1969-07-20T20:17:40.123456Z", "2024-02-29T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"] {
            #expect(CivilTime.iso8601(micros: micros(text)) == text)
        }
    }
}
