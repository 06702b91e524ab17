import Testing
@testable import GreenStreamCore

struct FieldParserTests {
    @Test("R-T1-1 meter ids", arguments: [
        ("1", Int64(1)), ("007", 7), ("9223372036854775807", Int64.max), ("0009223372036854775807", Int64.max),
    ])
    func validMeterIDs(text: String, expected: Int64) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { FieldParsers.meterID($0) } == expected)
    }

    @Test("R-T1-1 invalid meter ids", arguments: [
        "", "0", "000", "-1", "+1", "1.0", "1e3", "9223372036854775808", "12a", "١٢", "0x1F",
    ])
    func invalidMeterIDs(text: String) throws {
        #expect(Array(text.utf8).withUnsafeBufferPointer { FieldParsers.meterID($0) } == nil)
        let out = try transform(csv("\(text),2024-01-01T00:00:00Z,1,kW"))
        #expect(rejectSummary(out) == ["2:invalid_meter_id"])
    }

    @Test("R-T1-3 missing-value markers in any case", arguments: [
        "", "NULL", "null", "Null", "NA", "na", "N/A", "n/a", "NaN", "nan", "NAN",
    ])
    func missingMarkers(text: String) {
        #expect(parseValue(text) == .missing)
    }

    @Test("R-T1-3 decimal numbers", arguments: [
        ("5", 5.0), ("5.25", 5.25), (".5", 0.5), ("5.", 5), ("-0", 0), ("+3", 3), ("1.2e3", 1200), ("1.2E-3", 0.0012),
        ("-2.5", -2.5), ("0.1", 0.1), ("123456789012345678901234", 123456789012345678901234.0),
        ("0.30000000000000004", 0.30000000000000004), ("1e-400", 0), ("-.5e1", -5), ("5.e2", 500), ("+.5e-30", 0.5e-30), ("5.e-30", 5e-30), ("-123456789.123456789e-3", -123456.789123456789),
        ("00000000000000000000000000001.5", 1.5), ("4.9e-324", .leastNonzeroMagnitude), ("1.7976931348623157e308", 1.7976931348623157e308),
    ])
    func numbers(text: String, expected: Double) {
        #expect(parseValue(text) == .number(expected))
    }

    @Test("R-T1-3 -0 is zero, not a negative reading")
    func negativeZero() {
        guard case .number(let v) = parseValue("-0.0") else {
            Issue.record("not a number")
            return
        }
        #expect(v == 0 && v.sign == .plus)
    }

    @Test("R-T1-3 invalid values", arguments: [
        "abc", "1,5", "1.2.3", "e5", "1e", "1e+", "--1", "inf", "Infinity", "0x10", "1_000", "１", "5 kW", ".", "-", "+.", "1e400", "-1e309", "NULLL", "N A",
    ])
    func invalidValues(text: String) throws {
        #expect(parseValue(text) == .invalid)
        let quoted = text.contains(",") ? "\"\(text)\"" : text
        let out = try transform(csv("1,2024-01-01T00:00:00Z,\(quoted),kW"))
        #expect(rejectSummary(out) == ["2:invalid_value"])
    }

    @Test("R-T1-4 units and their conversion to kW", arguments: [
        ("W", 2500.0, 2.5), ("w", 2500, 2.5), ("kW", 2.5, 2.5), ("KW", 2.5, 2.5), ("kw", 2.5, 2.5),
        ("MW", 0.5, 500), ("Mw", 0.0625, 62.5),
    ])
    func powerUnits(unit: String, value: Double, kw: Double) throws {
        var config = TransformConfig()
        config.maxKW = 1000
        let out = try transform(csv("1,2024-01-01T00:00:00Z,\(value),\(unit)"), config)
        #expect(out.readings.kw == [kw])
    }

    @Test("R-T1-4 W is value ÷ 1000 exactly as written")
    func wattsDivideByThousand() throws {
        let out = try transform(csv("1,2024-01-01T00:00:00Z,1234.5,W"))
        #expect(out.readings.kw == [1234.5 / 1000])
    }

    @Test("R-T1-4 a lowercase m never means mega; unknown or empty units reject", arguments: [
        "mW", "mw", "mWh", "mwh", "", "kVA", "kWhh", "Wk", "watts", "k W", "GW",
    ])
    func invalidUnits(unit: String) throws {
        let out = try transform(csv("1,2024-01-01T00:00:00Z,1,\(unit)"))
        #expect(rejectSummary(out) == ["2:invalid_unit"])
    }

    @Test("R-T1-4 a row with a missing value is never judged on its unit")
    func missingValueIgnoresUnit() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z,NULL,bogus", "1,2024-01-01T00:30:00Z,3,kW"))
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured])
    }

    @Test("R-T1-1 reasons are checked in the order meter id, timestamp, value, unit")
    func reasonOrder() throws {
        let out = try transform(csv(
            "x,bad,bad,bad", "1,bad,bad,bad", "1,2024-01-01T00:00:00Z,bad,bad", "1,2024-01-01T00:00:00Z,1,bad"))
        #expect(rejectSummary(out) == ["2:invalid_meter_id", "3:invalid_timestamp", "4:invalid_value", "5:invalid_unit"])
    }
}
