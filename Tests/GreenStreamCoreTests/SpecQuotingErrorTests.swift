import Testing
@testable import GreenStreamCore

/// R-IN-5 as clarified: what happens after a quoting error, in data rows and in the header.
struct SpecQuotingErrorTests {
    static let header = "meter_id,timestamp,reading_value,unit"

    @Test("R-IN-5 R-IN-6 blanks before an opening quote are trimmed and the field is quoted")
    func blanksBeforeOpeningQuote() throws {
        let out = try transform(csv(" \t\"1\", \"2024-01-01T00:00:00Z\",\t\"1,5\",\"kW\""))
        #expect(rejectSummary(out) == ["2:invalid_value"])
        #expect(out.rejects[0].readingValue == "1,5")
    }

    @Test("R-IN-5 after a quoting error a later quoted field still runs across lines to its closing quote")
    func laterQuotedFieldSpansLines() throws {
        let out = try transform(csv(
            "1,\"2024-01-01T00:00:00Z\"x,\"1\n2,2024-01-01T00:00:00Z,9,kW\",kW",  // lines 2–3: one malformed row
            "3,2024-01-01T00:00:00Z,1,kW"))  // line 4
        #expect(out.dataRowCount == 2)
        #expect(rejectSummary(out) == ["2:malformed_row"])
        #expect(out.readings.meterID == [3])
        // The fields after the error are read by the same rules.
        #expect(out.rejects[0].readingValue == "1\n2,2024-01-01T00:00:00Z,9,kW")
        #expect(out.rejects[0].unit == "kW")
    }

    @Test("R-IN-5 a stray quote in an unquoted field does not end the record; the rest of that field is skipped")
    func strayQuoteThenQuotedField() throws {
        let out = try transform(csv(
            "1,2024\"01\"x,\"5\r\n\",\"k\"\"W\"",  // lines 2–3
            "4,2024-01-01T00:00:00Z,1,kW"))  // line 4
        #expect(rejectSummary(out) == ["2:malformed_row"])
        #expect(out.rejects[0].timestamp == "2024")
        #expect(out.rejects[0].readingValue == "5\r\n")
        #expect(out.rejects[0].unit == "k\"W")
        #expect(out.readings.meterID == [4])
    }

    @Test("R-IN-5 an unterminated quote after an earlier quoting error runs to the end of the file")
    func unterminatedAfterError() throws {
        let out = try transform(csv(
            "1\"x,2024-01-01T00:00:00Z,\"1,kW",
            "2,2024-01-01T00:00:00Z,1,kW",
            "3,2024-01-01T00:00:00Z,1,kW"))
        #expect(out.dataRowCount == 1)
        #expect(rejectSummary(out) == ["2:malformed_row"])
        #expect(out.readings.isEmpty)
    }

    @Test("R-IN-2 R-IN-5 a header field with a quoting error names no column", arguments: [
        ("\"Meter ID\"_2,timestamp,reading_value,unit", "meterid"),
        ("meter_id,timestamp,reading_value,unit\"x", "unit"),
        ("meter_id,timestamp,reading\"_value,unit", "readingvalue"),
        ("meter_id,timestamp,reading_value,\"unit", "unit"),
    ])
    func headerFieldWithErrorNamesNoColumn(header: String, missing: String) {
        #expect(throws: FileFailure.missingColumn(missing)) {
            try Transformer().transform(Array((header + "\n1,2024-01-01T00:00:00Z,1,kW\n").utf8))
        }
    }

    @Test("R-IN-2 R-IN-5 the other header fields match as usual, across lines too, after a broken one")
    func headerOtherFieldsStillMatch() throws {
        // Column 0 is broken; meter_id is column 1; a quoted name after the error spans two lines.
        let out = try transform(
            "\"Meter ID\"_2,meter_id,\"time\nstamp\",timestamp,reading_value,unit\n"
                + "x,7,a,2024-01-01T00:00:00Z,2,kW\n")
        #expect(out.rejects.isEmpty)
        #expect(readings(out) == [Out(meter: 7, ts: "2024-01-01T00:00:00Z", kw: 2, quality: .measured)])
    }
}
