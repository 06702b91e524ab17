import Testing
@testable import GreenStreamCore

/// Adversarial tests for T1 (R-T1-1…R-T1-5) and the order of its checks.
struct SpecEdgeCaseT1Tests {
    func newYork() throws -> TransformConfig {
        var c = TransformConfig()
        c.sourceTimeZone = try ZoneRules(named: "America/New_York")
        return c
    }

    // MARK: R-T1-1 meter ids

    @Test("R-T1-1 meter ids: digits only, 1…Int64.max, leading zeros allowed, trimmed first")
    func meterIDs() throws {
        let ids = [
            "0", "+5", " 5", "9223372036854775807", "9223372036854775808", "00000000000000000000007", "\u{FF15}",
            "-1", "5.0", "1e3", "", "0000", "\u{0665}", "99999999999999999999",
        ]
        let out = try transform("meter_id,timestamp,reading_value,unit\n" + ids.map { "\"\($0)\",2024-01-01T00:00:00Z,1,kW\n" }.joined())
        #expect(out.readings.meterID == [5, 7, 9_223_372_036_854_775_807])
        #expect(rejectSummary(out) == [2, 3, 6, 8, 9, 10, 11, 12, 13, 14, 15].map { "\($0):invalid_meter_id" })
    }

    @Test("R-T1-1 reasons are checked in the order meter id, timestamp, value, unit, duplicate")
    func reasonOrder() throws {
        let out = try transform(csv(
            "x,bad,bad,bad",  // all wrong: meter id first
            "1,bad,bad,bad",  // timestamp next
            "1,2024-01-01T00:00:00Z,bad,bad",  // then value
            "1,2024-01-01T00:00:00Z,1,bad",  // then unit
            "1,2024-01-01T00:00:00Z,2,kW",
            "1,2024-01-01T00:00:00Z,3,kW",  // duplicate last
            "1,2024-01-01T00:00:00Z,NULL,bad"))  // missing value: unit not judged, so a duplicate
        #expect(rejectSummary(out) == [
            "2:invalid_meter_id", "3:invalid_timestamp", "4:invalid_value", "5:invalid_unit", "7:duplicate_reading",
            "8:duplicate_reading",
        ])
        #expect(out.readings.kw == [2])
    }

    // MARK: R-T1-2 timestamps

    @Test("R-T1-2 accepted forms and their UTC instants", arguments: [
        ("2024-01-01T00:00", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01 00:00Z", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01T00:00:00+23:59", "2023-12-31T00:01:00.000000Z"),
        ("2024-01-01T00:00:00-23:59", "2024-01-01T23:59:00.000000Z"),
        ("2024-01-01T00:00:00-00:00", "2024-01-01T00:00:00.000000Z"),
        ("2024-01-01T00:00:00+0530", "2023-12-31T18:30:00.000000Z"),
        ("2024-01-01T00:00:00+05:30", "2023-12-31T18:30:00.000000Z"),
        ("2024-01-01T00:00+05", "2023-12-31T19:00:00.000000Z"),
        ("2024-01-01T00:00:00.9999999Z", "2024-01-01T00:00:00.999999Z"),
        ("2024-01-01T00:00:00.1234567891234Z", "2024-01-01T00:00:00.123456Z"),
        ("2024-01-01T00:00:00.5", "2024-01-01T00:00:00.500000Z"),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000000Z"),
        ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000000Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"),
        ("0001-01-01T00:30:00+00:30", "0001-01-01T00:00:00.000000Z"),
        ("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z"),
        ("9999-12-31T23:30:00-00:29", "9999-12-31T23:59:00.000000Z"),
        ("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"),
    ])
    func acceptedForms(text: String, utc: String) throws {
        let out = try transform(csv("1,\(text),1,kW"))
        #expect(out.rejects.isEmpty)
        #expect(out.readings.ts.map { CivilTime.iso8601(micros: $0) } == [utc])
    }

    @Test("R-T1-2 rejected forms: invalid_timestamp", arguments: [
        "2024-01-01T00:00:00.", "2024-01-01T24:00:00", "2024-01-01T24:00", "2024-01-01T00:00:60", "2024-01-01T00:60",
        "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00-24:00", "2024-01-01T00:00:00+05:60", "2024-01-01T00:00:00+0560",
        "2024-01-01t00:00:00Z", "2024-01-01T00:00:00z", "0000-01-01T00:00:00Z", "0000-12-31T23:00:00-01:00",
        "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "9999-12-31T23:30:00-01", "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
        "2024-01-00T00:00:00Z", "2024-01-01T00:00:00+5:30", "2024-01-01T00:00:00+05:3", "2024-01-01T00:00:00+5",
        "2024-01-01T00:00:00+053", "2024-01-01T00:00:00+05:30Z", "2024-01-01T00:00:00 Z", "2024-01-01T00:00:00Z+01:00",
        "2024-01-01T0:00:00", "2024-1-01T00:00", "24-01-01T00:00", "2024-01-01T00", "2024-01-01", "2024-01-01T00:00:0",
        "2024-01-01T00:00.5", "2024-01-01T00:00:00,5", "20240101T000000Z", "2024-01-01  00:00", "2024-01-01T00:00:00+",
        "\u{FF12}024-01-01T00:00", "+2024-01-01T00:00", "2024-01-01T00:00:00UTC", "2024-01-01T00:00:00.Z",
    ])
    func rejectedForms(text: String) throws {
        let out = try transform(csv("1,\"\(text)\",1,kW"))
        #expect(rejectSummary(out) == ["2:invalid_timestamp"])
    }

    @Test("R-T1-2 a naive time whose UTC instant leaves years 1–9999 through a fixed source offset")
    func naiveOutOfRangeThroughOffset() throws {
        var east = TransformConfig()
        east.sourceTimeZone = try ZoneRules(named: "+01:00")
        let a = try transform(csv("1,0001-01-01T00:59:59,1,kW", "2,0001-01-01T01:00:00,1,kW"), east)
        #expect(rejectSummary(a) == ["2:invalid_timestamp"])
        #expect(a.readings.ts.map { CivilTime.iso8601(micros: $0) } == ["0001-01-01T00:00:00.000000Z"])
        var west = TransformConfig()
        west.sourceTimeZone = try ZoneRules(named: "-0100")
        let b = try transform(csv("1,9999-12-31T22:59:59.999999,1,kW", "2,9999-12-31T23:00:00,1,kW"), west)
        #expect(rejectSummary(b) == ["3:invalid_timestamp"])
        #expect(b.readings.ts.map { CivilTime.iso8601(micros: $0) } == ["9999-12-31T23:59:59.999999Z"])
    }

    @Test("R-T1-2 America/New_York spring-forward gap rejects; the instants either side are kept")
    func newYorkGap() throws {
        let out = try transform(csv(
            "1,2024-03-10T01:59:59.999999,1,kW", "1,2024-03-10 02:00:00.000001,1,kW", "1,2024-03-10T02:59:59,1,kW",
            "1,2024-03-10T03:00,1,kW", "1,2024-03-10T02:30:00-05:00,1,kW"), try newYork())
        #expect(rejectSummary(out) == ["3:invalid_timestamp", "4:invalid_timestamp"])
        #expect(out.readings.ts.map { CivilTime.iso8601(micros: $0) } == [
            "2024-03-10T06:59:59.999999Z", "2024-03-10T07:00:00.000000Z", "2024-03-10T07:30:00.000000Z",
        ])
    }

    @Test("R-T1-2 fall-back fold: the same meter at 01:30 twice takes the earlier, then the later instant")
    func newYorkFoldTwice() throws {
        let out = try transform(csv(
            "1,2024-11-03 01:30,1,kW", "2,2024-11-03 01:30,5,kW", "1,2024-11-03T01:30:00.25,2,kW",
            "1,2024-11-03 01:30:00.25,3,kW", "1,2024-11-03 01:30,4,kW"), try newYork())
        #expect(rejectSummary(out) == [])
        #expect(readings(out).map(\.description) == [
            "1 2024-11-03T05:30:00Z 1.0 measured", "1 2024-11-03T05:30:00.250000Z 2.0 measured",
            "1 2024-11-03T06:30:00Z 4.0 measured", "1 2024-11-03T06:30:00.250000Z 3.0 measured",
            "2 2024-11-03T05:30:00Z 5.0 measured",
        ])
    }

    @Test("R-T1-2 fold: an earlier row rejected for its value or unit, or missing one, still holds the earlier instant")
    func foldEarlierRowRejectedForValueOrUnit() throws {
        let out = try transform(csv(
            "1,2024-11-03 01:00,abc,kW",  // invalid_value, holds 05:00Z
            "1,2024-11-03 01:00,1,kW",  // → 06:00Z
            "2,2024-11-03 01:00,5,furlong",  // invalid_unit, holds 05:00Z
            "2,2024-11-03 01:00,2,kW",  // → 06:00Z
            "3,2024-11-03 01:00,NULL,",  // missing value (unit not judged), holds 05:00Z
            "3,2024-11-03 01:00,3,kW"), try newYork())  // → 06:00Z
        #expect(rejectSummary(out) == ["2:invalid_value", "4:invalid_unit", "6:edge_gap"])
        #expect(readings(out).map(\.description) == [
            "1 2024-11-03T06:00:00Z 1.0 measured", "2 2024-11-03T06:00:00Z 2.0 measured",
            "3 2024-11-03T06:00:00Z 3.0 measured",
        ])
    }

    @Test("R-T1-2 fold: rows without an instant (bad meter id, malformed) do not hold one; explicit offsets do")
    func foldOnlyRowsWithAnInstantCount() throws {
        let out = try transform(csv(
            "1,2024-11-03 01:00,1",  // malformed: no instant
            "1x,2024-11-03 01:00,1,kW",  // invalid meter id: no instant
            "1,2024-11-03 01:00,1,kW",  // → 05:00Z (earlier)
            "2,2024-11-03T01:00:00-04:00,7,kW",  // explicit 05:00Z
            "2,2024-11-03 01:00,8,kW",  // earlier taken → 06:00Z
            "3,2024-11-03 01:00,9,kW",  // → 05:00Z: the explicit row after it comes later in the file
            "3,2024-11-03T05:00:00Z,10,kW"), try newYork())  // duplicate of the row above
        #expect(rejectSummary(out) == ["2:malformed_row", "3:invalid_meter_id", "8:duplicate_reading"])
        #expect(readings(out).map(\.description) == [
            "1 2024-11-03T05:00:00Z 1.0 measured", "2 2024-11-03T05:00:00Z 7.0 measured",
            "2 2024-11-03T06:00:00Z 8.0 measured", "3 2024-11-03T05:00:00Z 9.0 measured",
        ])
    }

    @Test("R-T1-2 fold in a time-major file: meters interleave, each keeps its own two hours")
    func foldTimeMajor() throws {
        let out = try transform(csv(
            "1,2024-11-03 00:30,1,kW", "2,2024-11-03 00:30,1,kW",
            "1,2024-11-03 01:30,2,kW", "2,2024-11-03 01:30,2,kW",
            "1,2024-11-03 01:30,3,kW", "2,2024-11-03 01:30,3,kW",
            "1,2024-11-03 02:30,4,kW", "2,2024-11-03 02:30,4,kW"), try newYork())
        #expect(out.rejects.isEmpty)
        let expected = ["2024-11-03T04:30:00Z", "2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z", "2024-11-03T07:30:00Z"]
        #expect(readings(out).map(\.ts) == expected + expected)
        #expect(out.readings.kw == [1, 2, 3, 4, 1, 2, 3, 4])
        #expect(out.rejects.isEmpty)
    }

    @Test("R-T1-1 R-T1-2 R-T1-5 `007` and `7` are one meter: for duplicates, for folds and for the output order")
    func leadingZerosAreOneMeter() throws {
        let out = try transform(csv(
            "10,2024-11-03 00:30,1,kW",
            "007,2024-11-03 01:30,1,kW",  // 05:30Z
            "7,2024-11-03 01:30,2,kW",  // earlier taken by meter 007 → 06:30Z
            "0007,2024-11-03T06:30:00Z,3,kW",  // duplicate of the row above
            "9,2024-11-03 00:30,1,kW"), try newYork())
        #expect(rejectSummary(out) == ["5:duplicate_reading"])
        #expect(readings(out).map(\.description) == [
            "7 2024-11-03T05:30:00Z 1.0 measured", "7 2024-11-03T06:30:00Z 2.0 measured",
            "9 2024-11-03T04:30:00Z 1.0 measured", "10 2024-11-03T04:30:00Z 1.0 measured",
        ])
    }

    // MARK: R-T1-3 values

    @Test("R-T1-3 decimal numbers", arguments: [
        (".5", 0.5), ("5.", 5), ("+1", 1), ("-0", 0), ("-0.0e10", 0), ("1E3", 1000), ("1.2e3", 1200), ("1.2e-3", 0.0012),
        ("00.50", 0.5), ("1e308", 1e308), ("1.7976931348623157e308", 1.7976931348623157e308), ("4.9e-324", 4.9e-324),
        ("1e23", 1e23), ("9007199254740993", 9_007_199_254_740_993), ("0.30000000000000004", 0.30000000000000004),
        ("123456789012345678901234567890", 1.2345678901234567890123456789e29), (".000001e6", 1), ("5.e2", 500),
        ("-.5e1", -5), ("1e-400", 0),
    ] as [(String, Double)])
    func numbers(text: String, value: Double) {
        guard case .number(let v) = parseValue(text) else {
            Issue.record("\(text) should be a number")
            return
        }
        #expect(v == value, "\(text)")
        #expect(v.sign == value.sign, "\(text): -0 is zero, not negative")
    }

    @Test("R-T1-3 anything else is invalid_value", arguments: [
        "1e309", "-1e309", "1e", "e5", "1.2.3", "inf", "-inf", "Infinity", "0x10", "1e+", "1e-", ".", "-.", "+", "-",
        "--1", "+-1", "1 2", "\u{0661}", "\u{FF15}", "1_000", "1,5", "5e1.5", "NaN1", "nulll", "N/", "None", "n.a.",
        "1d", "1f", "0b1", "١٢",
    ])
    func invalidValues(text: String) {
        #expect(parseValue(text) == .invalid, "\(text)")
    }

    @Test("R-T1-3 missing markers in any case", arguments: ["", "NULL", "Null", "null", "nUlL", "NA", "na", "nA", "N/A", "n/a", "NaN", "nan", "NAN"])
    func missingMarkers(text: String) {
        #expect(parseValue(text) == .missing, "\(text)")
    }

    @Test("R-T1-3 R-IN-6 markers and numbers are trimmed first; quoted ones too")
    func trimmedValues() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z, NaN ,kW", "1,2024-01-01T00:30:00Z,\"\tn/a \",kW",
            "1,2024-01-01T00:45:00Z,\" 4 \",kW", "1,2024-01-01T01:00:00Z,1e309,kW", "1,2024-01-01T01:15:00Z,-0,kW"))
        #expect(rejectSummary(out) == ["6:invalid_value"])
        #expect(out.readings.kw == [1, 2, 3, 4, 2, 0])
        #expect(out.readings.kw.last?.sign == .plus)
        #expect(out.interpolatedRowCount == 2)
    }

    // MARK: R-T1-4 units

    @Test("R-T1-4 units in any case; a lowercase m is never mega; empty units reject only with a value")
    func units() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,2000,w",  // 2
            "1,2024-01-01T00:15:00Z,3,KW",  // 3
            "1,2024-01-01T00:30:00Z,4,kw",  // 4
            "1,2024-01-01T00:45:00Z,0.005,Mw",  // 5
            "1,2024-01-01T01:00:00Z,1,mW",  // invalid_unit
            "1,2024-01-01T01:15:00Z,1,mw",  // invalid_unit
            "1,2024-01-01T01:30:00Z,1,mWh",  // invalid_unit
            "1,2024-01-01T01:45:00Z,0.0015,MWH",  // 1.5 kWh / 0.25 h
            "1,2024-01-01T02:00:00Z,1.75,kwh",  // 7
            "1,2024-01-01T02:15:00Z,2000,WH",  // 8
            "1,2024-01-01T02:30:00Z,9,",  // invalid_unit
            "1,2024-01-01T02:45:00Z,,",  // missing: not judged on its unit
            "1,2024-01-01T03:00:00Z,10,kW",
            "1,2024-01-01T03:15:00Z,1,k W",  // invalid_unit
            "1,2024-01-01T03:30:00Z,1,kVA",  // invalid_unit
            "1,2024-01-01T03:45:00Z,1,kWhh",  // invalid_unit
            "1,2024-01-01T04:00:00Z,1,GW",  // invalid_unit
            "1,2024-01-01T04:15:00Z,NULL,mW"))  // missing: not judged; edge_gap
        #expect(rejectSummary(out) == [
            "6:invalid_unit", "7:invalid_unit", "8:invalid_unit", "12:invalid_unit", "15:invalid_unit", "16:invalid_unit",
            "17:invalid_unit", "18:invalid_unit", "19:edge_gap",
        ])
        let hours = Double(15 * 60_000_000) / Double(CivilTime.microsPerHour)
        let mwh = 0.0015 * 1000 / hours
        let t = { (iso: String) in Double(micros(iso) - micros("2024-01-01T00:45:00Z")) }
        let mwSpan = Double(micros("2024-01-01T01:45:00Z") - micros("2024-01-01T00:45:00Z"))
        let lateSpan = Double(micros("2024-01-01T03:00:00Z") - micros("2024-01-01T02:15:00Z"))
        let late = { (iso: String) in Double(micros(iso) - micros("2024-01-01T02:15:00Z")) }
        let v5 = 0.005 * 1000
        let v8 = 2000.0 / 1000 / hours
        #expect(readings(out).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z",
            "2024-01-01T01:00:00Z", "2024-01-01T01:15:00Z", "2024-01-01T01:30:00Z", "2024-01-01T01:45:00Z",
            "2024-01-01T02:00:00Z", "2024-01-01T02:15:00Z", "2024-01-01T02:30:00Z", "2024-01-01T02:45:00Z",
            "2024-01-01T03:00:00Z",
        ])
        #expect(out.readings.kw == [
            2000.0 / 1000, 3, 4, v5,
            v5 + (mwh - v5) * t("2024-01-01T01:00:00Z") / mwSpan,
            v5 + (mwh - v5) * t("2024-01-01T01:15:00Z") / mwSpan,
            v5 + (mwh - v5) * t("2024-01-01T01:30:00Z") / mwSpan,
            mwh, 1.75 / hours, v8,
            v8 + (10 - v8) * late("2024-01-01T02:30:00Z") / lateSpan,
            v8 + (10 - v8) * late("2024-01-01T02:45:00Z") / lateSpan,
            10,
        ])
        #expect(out.interpolatedRowCount == 1)
    }

    // MARK: R-T1-5 duplicates

    @Test("R-T1-5 the first row with a value wins even after missing rows; an energy row counts as a value")
    func duplicateEnergyWinsAfterMissing() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:15:00Z,NULL,kW",
            "1,2024-01-01T00:15:00Z,1,kWh",  // wins: 4 kW
            "1,2024-01-01T00:15:00Z,2,kW",
            "1,2024-01-01T00:30:00Z,3,kW"))
        #expect(rejectSummary(out) == ["3:duplicate_reading", "5:duplicate_reading"])
        #expect(out.readings.kw == [1, 4, 3])
        #expect(readings(out).map(\.quality) == [.measured, .measured, .measured])
    }

    @Test("R-T1-5 a value that T2 finds to be an outlier still wins; its slot is then interpolated")
    func duplicateOutlierWins() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:15:00Z,,kW",
            "1,2024-01-01T00:15:00Z,30,kWh",  // 120 kW: wins, then above_max
            "1,2024-01-01T00:15:00Z,2,kW",
            "1,2024-01-01T00:15:00Z,-1,kW",
            "1,2024-01-01T00:30:00Z,3,kW"))
        #expect(rejectSummary(out) == ["3:duplicate_reading", "4:above_max", "5:duplicate_reading", "6:duplicate_reading"])
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured])
        #expect(out.readings.kw == [1, 2, 3])
        #expect(out.interpolatedRowCount == 0)
    }

    @Test("R-T1-5 rows rejected by other T1 checks take no part; with no value the first row wins")
    func duplicateIgnoresInvalidRows() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:15:00Z,5,mW",  // invalid_unit: not a candidate
            "1,2024-01-01T00:15:00Z,five,kW",  // invalid_value: not a candidate
            "1,2024-01-01T00:15:00Z,N/A,mW",  // missing: first candidate, wins
            "1,2024-01-01T00:15:00Z,,",  // missing: duplicate
            "1,2024-01-01T00:30:00Z,3,kW"))
        #expect(rejectSummary(out) == ["3:invalid_unit", "4:invalid_value", "6:duplicate_reading"])
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured])
        #expect(out.readings.kw == [1, 2, 3])
        #expect(out.interpolatedRowCount == 1)
    }

    @Test("R-T1-5 duplicates by instant, whatever the spelling, in a file out of order")
    func duplicateSpellingsOutOfOrder() throws {
        let out = try transform(csv(
            "2,2024-01-01T00:00:00Z,9,kW",
            "1,2024-01-01T01:00:00+01:00,NULL,kW",  // 00:00Z, missing: loses to line 6
            "1,2024-01-01T00:15:00Z,3,kW",
            "2,2024-01-01 00:00,8,kW",  // duplicate of line 2
            "1,2023-12-31T19:00-05,1,kW",  // 00:00Z, first with a value: wins
            "1,2024-01-01T00:00:00.000000Z,2,kW"))  // duplicate
        #expect(rejectSummary(out) == ["3:duplicate_reading", "5:duplicate_reading", "7:duplicate_reading"])
        #expect(readings(out).map(\.description) == [
            "1 2024-01-01T00:00:00Z 1.0 measured", "1 2024-01-01T00:15:00Z 3.0 measured", "2 2024-01-01T00:00:00Z 9.0 measured",
        ])
    }
}

/// R-T1-3 against the standard library's correctly rounded conversion, over generated literals.
struct SpecEdgeCaseDecimalPropertyTests {
    @Test("R-T1-3 every decimal literal reads as the correctly rounded Double; overflow is invalid_value; -0 is zero")
    func decimalsMatchStandardLibrary() {
        var g = ConservationPropertyTests.Generator(state: 0x5EED_0003)
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(g.int(10))) }) }
        for _ in 0..<20_000 {
            let sign = ["", "+", "-"][g.int(3)]
            var intPart = digits(g.int(4) == 0 ? g.int(26) : g.int(6))
            var fracPart = g.chance(60) ? digits(g.int(4) == 0 ? g.int(26) : g.int(8)) : nil
            if intPart.isEmpty && (fracPart ?? "").isEmpty { intPart = digits(1 + g.int(3)) }
            if g.chance(10) { intPart = String(repeating: "0", count: 1 + g.int(20)) + intPart }
            if g.chance(10), fracPart != nil { fracPart! += String(repeating: "0", count: 1 + g.int(20)) }
            let exponent = g.chance(40) ? (["e", "E"][g.int(2)] + ["", "+", "-"][g.int(3)] + String(g.int(g.chance(20) ? 400 : 30))) : ""
            let text = sign + intPart + (fracPart.map { "." + $0 } ?? "") + exponent
            let canonical = sign + (intPart.isEmpty ? "0" : intPart) + "." + ((fracPart ?? "").isEmpty ? "0" : fracPart!) + exponent
            guard let expected = Double(canonical) else {
                Issue.record("the standard library refused \(canonical)")
                continue
            }
            let got = parseValue(text)
            if expected.isInfinite {
                #expect(got == .invalid, "\(text)")
            } else if expected == 0 {
                guard case .number(let v) = got, v == 0, v.sign == .plus else {
                    Issue.record("\(text) → \(got), expected +0")
                    continue
                }
            } else {
                #expect(got == .number(expected), "\(text)")
            }
        }
    }
}
