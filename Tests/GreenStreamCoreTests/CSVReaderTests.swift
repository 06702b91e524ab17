import Testing
@testable import GreenStreamCore

struct CSVReaderTests {
    @Test("R-IN-1 BOM, CRLF line ends and blank lines of spaces and tabs")
    func bomCRLFAndBlankLines() throws {
        let text = "\u{FEFF}meter_id,timestamp,reading_value,unit\r\n\r\n \t \r\n1,2024-01-01T00:00:00Z,1.5,kW\r\n\n2,2024-01-01T00:00:00Z,2,kW"
        let out = try transform(text)
        #expect(out.dataRowCount == 2)
        #expect(readings(out).map(\.kw) == [1.5, 2])
    }

    @Test("R-IN-1 line numbers are where a row starts, counting quoted line breaks")
    func lineNumbersCountQuotedLineBreaks() throws {
        let text = csv(
            "1,2024-01-01T00:00:00Z,1,kW",
            "x,\"2024-01-01\nT00:15\",1,kW",
            "",
            "y,2024-01-01T00:30:00Z,1,kW")
        let out = try transform(text)
        #expect(rejectSummary(out) == ["3:invalid_meter_id", "6:invalid_meter_id"])
        #expect(out.rejects[0].timestamp == "2024-01-01\nT00:15")
    }

    @Test("R-IN-1 quoted fields hold commas, doubled quotes and CRLF line breaks")
    func quotedFieldContents() throws {
        let text = "meter_id,note,timestamp,reading_value,unit\r\n\"1\",\"a, \"\"b\"\"\r\nc\",\"2024-01-01T00:00:00Z\",\"2.5\",\"kW\"\r\n9,,2024-01-01T00:00:00Z,1,kw\r\n"
        let out = try transform(text)
        #expect(readings(out) == [
            Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 2.5, quality: .measured),
            Out(meter: 9, ts: "2024-01-01T00:00:00Z", kw: 1, quality: .measured),
        ])
    }

    @Test("R-IN-5 anything after a closing quote, even a space, is a quoting error", arguments: [
        "1,\"2024-01-01T00:00:00Z\" ,1,kW",
        "1,\"2024-01-01T00:00:00Z\"x,1,kW",
        "1,2024-01-01T00:00:00Z,1\"0,kW",
    ])
    func quotingErrorsAreMalformed(row: String) throws {
        let out = try transform(csv(row, "2,2024-01-01T00:00:00Z,1,kW"))
        #expect(rejectSummary(out) == ["2:malformed_row"])
        #expect(out.readings.meterID == [2])
    }

    @Test("R-IN-5 an unterminated quote runs to the end of the file: one malformed row")
    func unterminatedQuote() throws {
        let out = try transform(csv("1,2024-01-01T00:00:00Z,\"1,kW", "2,2024-01-01T00:00:00Z,1,kW", "3,2024-01-01T00:00:00Z,1,kW"))
        #expect(out.dataRowCount == 1)
        #expect(rejectSummary(out) == ["2:malformed_row"])
        #expect(out.readings.isEmpty)
    }

    @Test("R-IN-5 fewer fields than the header is malformed; extra fields are ignored")
    func fieldCounts() throws {
        let out = try transform(csv("1,2024-01-01T00:00:00Z,1", "2,2024-01-01T00:00:00Z,1,kW,extra,more"))
        #expect(rejectSummary(out) == ["2:malformed_row"])
        #expect(out.rejects[0].meterID == "1")
        #expect(out.rejects[0].unit == "")
        #expect(out.readings.meterID == [2])
    }

    @Test("R-IN-5 a row with invalid UTF-8 is malformed, even in an ignored column")
    func invalidUTF8Row() throws {
        var bytes = Array("meter_id,timestamp,reading_value,unit,note\n1,2024-01-01T00:00:00Z,1,kW,ok\n2,2024-01-01T00:00:00Z,1,kW,".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        bytes += Array("3,2024-01-01T00:00:00Z,1,kW,caf\u{E9}\n".utf8)
        let out = try Transformer().transform(bytes)
        #expect(out.rejects.map(\.reason) == [.malformedRow])
        #expect(out.rejects.map(\.line) == [3])
        #expect(out.readings.meterID == [1, 3])
    }

    @Test("R-IN-6 every field is trimmed of spaces and tabs, inside quotes too")
    func trimming() throws {
        let out = try transform(csv(" 1 ,\t2024-01-01T00:00:00Z\t,\" 2.5 \", kW "))
        #expect(readings(out) == [Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 2.5, quality: .measured)])
    }

    @Test("R-IN-6 spaces before an opening quote are trimmed, not a quoting error")
    func spaceBeforeOpeningQuote() throws {
        let out = try transform(csv("1,2024-01-01T00:00:00Z, \"1\",kW"))
        #expect(out.rejects.isEmpty)
        #expect(out.readings.kw == [1])
    }

    @Test("R-IN-1 a last line without a line end still counts")
    func lastLineWithoutNewline() throws {
        let out = try transform("meter_id,timestamp,reading_value,unit\n1,2024-01-01T00:00:00Z,1,kW")
        #expect(out.readings.count == 1)
    }
}
