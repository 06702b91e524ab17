import Testing
@testable import GreenStreamCore

struct FileFailureTests {
    @Test("R-IN-3 failures in the spec's order", arguments: [
        ("", FileFailure.noHeader),
        (" \n\t\n\r\n", .noHeader),
        ("\u{FEFF}", .noHeader),
        ("meterid,timestamp,readingvalue\n", .missingColumn("unit")),
        ("unit,readingvalue\n", .missingColumn("meterid")),
        ("Meter_ID,Unit,Reading Value\n", .missingColumn("timestamp")),
        ("meter-id,time stamp,reading,unit\n", .missingColumn("readingvalue")),
    ])
    func permanentFailures(text: String, expected: FileFailure) {
        #expect(throws: expected) { try Transformer().transform(Array(text.utf8)) }
    }

    @Test("R-IN-3 a header that is not UTF-8 is not_text, checked before missing columns")
    func headerNotText() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x6D, 0x00, 0x0A]
        #expect(throws: FileFailure.notText) { try Transformer().transform(bytes) }
    }

    @Test("R-IN-3 too_large is checked first, against the configured limit")
    func tooLarge() {
        var config = TransformConfig()
        config.maxFileBytes = 10
        #expect(throws: FileFailure.tooLarge) { try Transformer(config: config).transform(Array("no header here at all".utf8)) }
        #expect(throws: FileFailure.noHeader) { try Transformer(config: config).transform(Array("\n\n".utf8)) }
        #expect(FileFailure.missingColumn("unit").reason == "missing_column:unit")
    }

    @Test("R-IN-2 names match in any case and order without _ - and spaces; extra columns ignored")
    func headerMatching() throws {
        let out = try transform("UNIT,Reading-Value,extra,\"Time Stamp\",METER_id\nkW,2,zz,2024-01-01T00:00:00Z,5\n")
        #expect(readings(out) == [Out(meter: 5, ts: "2024-01-01T00:00:00Z", kw: 2, quality: .measured)])
    }

    @Test("R-IN-2 when a name repeats, the leftmost column counts")
    func leftmostDuplicateColumn() throws {
        let out = try transform("meterid,unit,timestamp,readingvalue,unit\n1,kW,2024-01-01T00:00:00Z,3,W\n")
        #expect(out.readings.kw == [3])
    }

    @Test("R-IN-4 a header without data rows succeeds with zero rows")
    func headerOnly() throws {
        let out = try transform("meter_id,timestamp,reading_value,unit\r\n\r\n")
        #expect(out.dataRowCount == 0)
        #expect(out.readings.isEmpty)
        #expect(out.rejects.isEmpty)
    }
}
