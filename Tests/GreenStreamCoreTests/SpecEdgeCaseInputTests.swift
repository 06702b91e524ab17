import Testing
@testable import GreenStreamCore

/// Runs the transform over raw bytes and checks conservation (R-IN-7), like `transform(_:_:)`.
func transformBytes(_ bytes: [UInt8], _ config: TransformConfig = TransformConfig()) throws -> TransformOutput {
    let output = try Transformer(config: config).transform(bytes)
    #expect(output.isConserved, "R-IN-7 conservation broken: \(output.summary)")
    #expect(Set(output.rejects.map(\.line)).count == output.rejects.count, "R-IN-7 a row rejected twice")
    return output
}

/// Adversarial tests for the input layer: R-IN-1…R-IN-6 and their interactions.
struct SpecEdgeCaseInputTests {
    static let header = "meter_id,timestamp,reading_value,unit"

    @Test("R-IN-1 a quoted field spanning CRLF and LF lines: each row's line is where it starts")
    func multiLineQuotedFieldLines() throws {
        let out = try transform(
            Self.header + "\n"
                + "1,2024-01-01T00:00:00Z,\"1\r\n\n\",kW\n"  // line 2, spans to line 4
                + "x,2024-01-01T00:15:00Z,1,kW\r\n"  // line 5
                + "\"2\",\"2024-01-01\n00:00\",1,kW\n"  // line 6, spans to line 7
                + "y,2024-01-01T00:30:00Z,1,kW\n")  // line 8
        #expect(rejectSummary(out) == ["2:invalid_value", "5:invalid_meter_id", "6:invalid_timestamp", "8:invalid_meter_id"])
        #expect(out.rejects[0].readingValue == "1\r\n\n")
        #expect(out.dataRowCount == 4)
    }

    @Test("R-IN-1 quoted fields followed by CRLF, and by a final CR at the end of the file")
    func quotedFieldThenCRLF() throws {
        let out = try transform(
            "\"meter_id\",\"timestamp\",\"reading_value\",\"unit\"\r\n"
                + "\"1\",\"2024-01-01T00:00:00Z\",\"2\",\"kW\"\r\n"
                + "\"1\",\"2024-01-01T00:15:00Z\",\"3\",\"kW\"\r")
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.kw) == [2, 3])
    }

    @Test("R-IN-1 doubled quotes are one quote in the value a rule sees and in the reject's raw text")
    func doubledQuotes() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,2,\"k\"\"W\"",
            "\"\"\"3\"\"\",2024-01-01T00:00:00Z,2,kW",
            "\"\",2024-01-01T00:00:00Z,2,kW"))
        #expect(rejectSummary(out) == ["2:invalid_unit", "3:invalid_meter_id", "4:invalid_meter_id"])
        #expect(out.rejects.map(\.unit) == ["k\"W", "kW", "kW"])
        #expect(out.rejects.map(\.meterID) == ["1", "\"3\"", ""])
    }

    @Test("R-IN-5 a quote inside an unquoted field costs that row only; its raw texts are trimmed")
    func quoteInsideUnquotedField() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1\"2,kW",
            "1 \"x\",2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:15:00Z,3,kW"))
        #expect(rejectSummary(out) == ["2:malformed_row", "3:malformed_row"])
        // Fields after the quoting error are read on (R-IN-5); the texts are trimmed, and the
        // broken field keeps the text before its stray quote (docs/DECISIONS.md).
        #expect(out.rejects[0].readingValue == "1")
        #expect(out.rejects[0].unit == "kW")
        #expect(out.rejects[0].timestamp == "2024-01-01T00:00:00Z")
        #expect(out.rejects[1].meterID == "1")
        #expect(out.rejects[1].timestamp == "2024-01-01T00:00:00Z")
        #expect(readings(out) == [Out(meter: 1, ts: "2024-01-01T00:15:00Z", kw: 3, quality: .measured)])
    }

    @Test("R-IN-5 a quoting error on a quoted field that spans lines: one row, the next row's line is right")
    func quotingErrorAfterMultiLineField() throws {
        let out = try transform(csv(
            "1,\"2024-01-01\nT00:00:00Z\"x,1,kW",  // lines 2–3, malformed
            "2,2024-01-01T00:00:00Z,a,kW"))  // line 4
        #expect(rejectSummary(out) == ["2:malformed_row", "4:invalid_value"])
    }

    @Test("R-IN-4 R-IN-1 a file that is only a BOM-prefixed header, without a line end")
    func bomHeaderOnly() throws {
        let out = try transform("\u{FEFF}" + Self.header)
        #expect(out.dataRowCount == 0)
        #expect(out.readings.isEmpty && out.rejects.isEmpty)
    }

    @Test("R-IN-1 blank lines of only tabs (LF or CRLF) between rows are skipped but counted")
    func tabOnlyBlankLines() throws {
        let out = try transform(
            Self.header + "\n\t\n\t\t\r\n \t \n1,2024-01-01T00:00:00Z,1,kW\n\t\nx,2024-01-01T00:15:00Z,1,kW\n\t\t")
        #expect(out.dataRowCount == 2)
        #expect(rejectSummary(out) == ["7:invalid_meter_id"])
        #expect(out.readings.kw == [1])
    }

    @Test("R-IN-1 the last line without a line end, quoted or not, and with trailing blanks")
    func lastLineWithoutLineEnd() throws {
        for last in ["1,2024-01-01T00:15:00Z,2,kW", "1,2024-01-01T00:15:00Z,2,\"kW\"", "1,2024-01-01T00:15:00Z,2,kW \t"] {
            let out = try transform(Self.header + "\n1,2024-01-01T00:00:00Z,1,kW\n" + last)
            #expect(out.rejects.isEmpty, "\(last)")
            #expect(out.readings.kw == [1, 2], "\(last)")
        }
    }

    @Test("R-IN-5 invalid UTF-8 inside a quoted field is malformed; valid multi-byte text is not")
    func invalidUTF8InQuotedField() throws {
        var bytes = Array((Self.header + ",note\n").utf8)
        bytes += Array("1,2024-01-01T00:00:00Z,1,kW,\"a".utf8) + [0xE2, 0x82] + Array("\"\n".utf8)  // truncated sequence
        bytes += Array("2,2024-01-01T00:00:00Z,1,kW,\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"\n".utf8)  // surrogate
        bytes += Array("3,2024-01-01T00:00:00Z,1,kW,\"€ \u{1F600}\"\n".utf8)
        bytes += Array("4,2024-01-01T00:00:00Z,1,kW,".utf8) + [0xC0, 0xAF]  // overlong, last line
        let out = try transformBytes(bytes)
        #expect(rejectSummary(out) == ["2:malformed_row", "3:malformed_row", "5:malformed_row"])
        #expect(out.readings.meterID == [3])
    }

    @Test("R-IN-2 header spellings: spaces, hyphens, underscores and any case", arguments: [
        "Meter ID,Time Stamp,Reading Value,Unit",
        "meter-id,time-stamp,reading-value,UNIT",
        "METER_ID,TIMESTAMP,READING_VALUE,unit",
        " MeterId , \"TimeStamp\",reading__value,U-n_i t",
    ])
    func headerSpellings(header: String) throws {
        let out = try transform(header + "\n1,2024-01-01T00:00:00Z,2,kW\n")
        #expect(readings(out) == [Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 2, quality: .measured)])
    }

    @Test("R-IN-2 repeated names: the leftmost column counts for every required name")
    func repeatedNamesLeftmost() throws {
        let out = try transform(
            "Meter ID,meter_id,Timestamp,TIME_STAMP,reading value,readingvalue,unit,Unit\n"
                + "1,2,2024-01-01T00:00:00Z,1999-01-01T00:00:00Z,3,4,kW,W\n")
        #expect(readings(out) == [Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 3, quality: .measured)])
    }

    @Test("R-IN-2 R-IN-5 extra columns before the required ones; a row short of the header's fields is malformed")
    func extraColumnsBeforeRequired() throws {
        let out = try transform(
            "site,note,meter_id,timestamp,reading_value,unit,trailer\n"
                + "a,b,1,2024-01-01T00:00:00Z,2,kW,z\n"
                + "a,b,1,2024-01-01T00:15:00Z,3,kW\n"
                + "a,\"x,y\",1,2024-01-01T00:30:00Z,4,kW,,,\n")
        #expect(rejectSummary(out) == ["3:malformed_row"])
        #expect(out.rejects[0].readingValue == "3")
        #expect(out.readings.kw == [2, 4])
    }

    @Test("R-IN-3 too_large is checked before no_header, not_text and missing_column")
    func tooLargeFirst() {
        var config = TransformConfig()
        config.maxFileBytes = 4
        for text in ["\n\n\n\n\n", "\u{FEFF}abc", "a,b,c\n"] {
            #expect(throws: FileFailure.tooLarge) { try Transformer(config: config).transform(Array(text.utf8)) }
        }
        #expect(throws: FileFailure.tooLarge) { try Transformer(config: config).transform([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
        // Exactly at the limit is not too large.
        #expect(throws: FileFailure.missingColumn("meterid")) { try Transformer(config: config).transform(Array("a,b\n".utf8)) }
    }

    @Test("R-IN-3 no_header: a file of only blank lines, with or without a BOM")
    func onlyBlankLines() {
        for text in ["\n", "\t\t\n  \r\n\t", "\u{FEFF}\r\n \t\r\n", "   ", "\r"] {
            #expect(throws: FileFailure.noHeader, "\(Array(text.utf8))") { try Transformer().transform(Array(text.utf8)) }
        }
    }

    @Test("R-IN-3 not_text: invalid UTF-8 anywhere in the header record wins over missing columns")
    func headerNotText() {
        let cases: [[UInt8]] = [
            [0xEF, 0xBB, 0xBF] + Array("meter".utf8) + [0xFF] + Array(",x\n".utf8),  // after a BOM
            Array("meter_id,timestamp,reading_value,unit,\"".utf8) + [0xC3] + Array("\"\n1,2\n".utf8),  // quoted, extra column
            Array("\n\nmeter_id,timestamp,reading_value,unit,".utf8) + [0xF5, 0x80, 0x80, 0x80],  // last line, after blanks
        ]
        for bytes in cases {
            #expect(throws: FileFailure.notText, "\(bytes)") { try Transformer().transform(bytes) }
        }
    }

    @Test("R-IN-3 invalid UTF-8 after the header is a malformed row, not not_text")
    func invalidUTF8AfterHeader() throws {
        let bytes = Array((Self.header + "\n").utf8) + [0xFF] + Array(",2024-01-01T00:00:00Z,1,kW\n".utf8)
        let out = try transformBytes(bytes)
        #expect(rejectSummary(out) == ["2:malformed_row"])
    }

    @Test("R-IN-3 missing_column names the first missing one in the order meterid, timestamp, readingvalue, unit", arguments: [
        ("unit,reading_value,timestamp\n", "meterid"),
        ("unit,meter id\n", "timestamp"),
        ("meter_id,unit,time stamp,reading\n", "readingvalue"),
        ("meter_id,time_stamp,reading_value,units\n", "unit"),
        ("meter_id\ttimestamp\treading_value\tunit\n", "meterid"),
        ("\u{FEFF}\n\n  meterid;timestamp;readingvalue;unit\n", "meterid"),
        ("meterid,timestamp,readingvalue\n1,2024-01-01T00:00:00Z,1,kW\n", "unit"),
    ])
    func missingColumnOrder(text: String, name: String) {
        #expect(throws: FileFailure.missingColumn(name)) { try Transformer().transform(Array(text.utf8)) }
    }

    @Test("R-IN-1 R-IN-6 a row of only commas, spaces and tabs is a row (not blank) and fails T1")
    func rowOfOnlySeparators() throws {
        let out = try transform(csv(" , \t, ,", "1,2024-01-01T00:00:00Z,1,kW"))
        #expect(rejectSummary(out) == ["2:invalid_meter_id"])
        #expect(out.dataRowCount == 2)
    }

    @Test("R-IN-1 a CR not followed by LF is data, not a line end")
    func bareCRIsData() throws {
        let out = try transform(Self.header + "\n1,2024-01-01T00:00:00Z,1,kW\r2,2024-01-01T00:00:00Z,1,kW\n3,2024-01-01T00:00:00Z,1,kW\n")
        // Row 2 is one row whose unit is `kW\r2` and whose fields run on: invalid_unit.
        #expect(rejectSummary(out) == ["2:invalid_unit"])
        #expect(out.readings.meterID == [3])
    }

    @Test("R-IN-1 R-IN-2 a header with a quoted name spanning lines: data rows count the header's lines")
    func multiLineHeader() throws {
        let out = try transform("meter_id,\"note\r\nmore\",timestamp,reading_value,unit\r\nx,,2024-01-01T00:00:00Z,1,kW\r\n")
        #expect(rejectSummary(out) == ["3:invalid_meter_id"])
    }

    @Test("R-IN-2 R-IN-5 a header field with a quoting error names no column; the others match")
    func headerWithQuotingError() throws {
        let out = try transform("meter_id,timestamp,reading_value,unit,note\"x\n1,2024-01-01T00:00:00Z,1,kW,\n")
        #expect(out.rejects.isEmpty)
        #expect(out.readings.kw == [1])
        #expect(throws: FileFailure.missingColumn("unit")) {
            try Transformer().transform(Array("meter_id,timestamp,reading_value,unit\"x\n1,2024-01-01T00:00:00Z,1,kW\n".utf8))
        }
        #expect(throws: FileFailure.missingColumn("unit")) {
            try Transformer().transform(Array("meter_id,timestamp,reading_value,\"unit\n1,2024-01-01T00:00:00Z,1,kW\n".utf8))
        }
        #expect(throws: FileFailure.missingColumn("readingvalue")) {
            try Transformer().transform(Array("meter_id,timestamp,reading\"_value,unit\n".utf8))
        }
    }

    @Test("R-J-5 rejects.csv quotes raw texts so that a strict RFC 4180 reader gets them back")
    func rejectsCSVRoundTrip() throws {
        let out = try transform(
            "meter_id,timestamp,reading_value,unit\n"
                + "\"a,\"\"b\"\"\",\"2024-01-01\r\nT00:00\",\"x\ry\",\"k W\"\n"
                + "1,2024-01-01T00:00:00Z,\"1,5\",kW\n"
                + "1,2024-01-01T00:15:00Z,1,\"\"\"kW\"\"\"\n")
        #expect(rejectSummary(out) == ["2:invalid_meter_id", "4:invalid_value", "5:invalid_unit"])
        let bytes = out.rejectsCSV()
        var rows: [[String]] = []
        bytes.withUnsafeBufferPointer { buffer in
            var reader = CSVRecordReader(bytes: buffer)
            var record = CSVRecordReader.Record(capacity: 6)
            while reader.next(into: &record) {
                #expect(!record.isMalformed)
                rows.append((0..<record.storedCount).map { reader.text(of: record.field($0)) })
            }
        }
        #expect(rows.count == 4)
        #expect(rows.dropFirst().map { Array($0.dropFirst(2)) } == out.rejects.map { [$0.meterID, $0.timestamp, $0.readingValue, $0.unit] })
        #expect(rows[1] == ["2", "invalid_meter_id", "a,\"b\"", "2024-01-01\r\nT00:00", "x\ry", "k W"])
    }
}
