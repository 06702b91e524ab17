import Testing

@testable import Parquet

@Suite("Parquet writer and footer reader refuse bad input with typed errors")
struct ParquetWriterErrorTests {
    private let columns = [
        ParquetColumn(name: "a", physicalType: .int64), ParquetColumn(name: "b", physicalType: .double),
    ]

    @Test func columnsOfDifferentLengthsAreRefused() throws {
        var writer = try ParquetFileWriter(columns: columns)
        #expect(throws: ParquetError.self) { try writer.write([.int64([1, 2]), .double([1])]) }
    }

    @Test func valuesOfTheWrongTypeAreRefused() throws {
        var writer = try ParquetFileWriter(columns: columns)
        #expect(throws: ParquetError.self) { try writer.write([.int64([1]), .int64([1])]) }
        #expect(throws: ParquetError.self) { try writer.write([.int64([1])]) }
    }

    @Test func categoricalIndexOutsideTheDictionaryIsRefused() throws {
        var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "q", physicalType: .byteArray)])
        #expect(throws: ParquetError.self) { try writer.write([.categorical(dictionary: [[0x61]], indices: [0, 1])]) }
    }

    @Test func nonsenseOptionsAndSchemasAreRefused() {
        #expect(throws: ParquetError.self) {
            try ParquetFileWriter(columns: columns, options: ParquetWriterOptions(pageSizeLimit: 0))
        }
        #expect(throws: ParquetError.self) {
            try ParquetFileWriter(columns: columns, options: ParquetWriterOptions(rowGroupRowLimit: 0))
        }
        #expect(throws: ParquetError.self) { try ParquetFileWriter(columns: []) }
        #expect(throws: ParquetError.self) { try ParquetFileWriter(columns: [columns[0], columns[0]]) }
    }

    @Test func footerReaderRoundTripsTheWritersFooter() throws {
        var writer = try ParquetFileWriter(columns: columns, options: ParquetWriterOptions(rowGroupRowLimit: 2))
        try writer.write([.int64([5, 6, 7]), .double([0.5, 1.5, 2.5])])
        let bytes = try writer.finish(keyValueMetadata: [KeyValue(key: "k", value: "v")])
        let footer = try ParquetFooterReader.read(fileBytes: bytes)
        #expect(footer == writer.footer(keyValueMetadata: [KeyValue(key: "k", value: "v")]))
        #expect(footer.rowGroups.count == 2)
        #expect(footer.rowGroups[1].columns[0].metaData?.statistics?.minValue == [7, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test(arguments: [0, 4, 11, 20])
    func truncatedFilesAreInvalid(keep: Int) throws {
        var writer = try ParquetFileWriter(columns: columns)
        try writer.write([.int64([1]), .double([1])])
        let bytes = try writer.finish()
        #expect(throws: ParquetError.self) { try ParquetFooterReader.read(fileBytes: Array(bytes.prefix(keep))) }
        #expect(throws: ParquetError.self) {
            try ParquetFooterReader.read(fileBytes: Array(bytes.prefix(keep)) + Array(bytes.suffix(8)))
        }
    }

    @Test func corruptFooterIsInvalidNotACrash() throws {
        var writer = try ParquetFileWriter(columns: columns)
        try writer.write([.int64([1]), .double([1])])
        var bytes = try writer.finish()
        for i in (bytes.count - 40)..<(bytes.count - 8) { bytes[i] = 0xFF }
        #expect(throws: ParquetError.self) { try ParquetFooterReader.read(fileBytes: bytes) }
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: ParquetError.self) { try ParquetFooterReader.read(path: "/nonexistent/x.parquet") }
    }

    @Test func everySingleByteCorruptionOfTheFooterThrowsOrDecodesButNeverCrashes() throws {
        var writer = try ParquetFileWriter(
            columns: columns + [ParquetColumn(name: "s", physicalType: .byteArray, logicalType: .string)])
        try writer.write([.int64([1, 2]), .double([1, 2]), .strings(["a", "b"])])
        let bytes = try writer.finish(keyValueMetadata: [KeyValue(key: "k", value: "v")])
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
        var decoded = 0
        var refused = 0
        for position in (bytes.count - 8 - footerLength)..<(bytes.count - 8) {
            for value: UInt8 in [0x00, 0x0F, 0x7F, 0xFF] where bytes[position] != value {
                var corrupt = bytes
                corrupt[position] = value
                do {
                    _ = try ParquetFooterReader.read(fileBytes: corrupt)
                    decoded += 1
                } catch is ParquetError {
                    refused += 1
                }
            }
        }
        #expect(refused > 0)
        #expect(decoded + refused >= footerLength * 3)
    }
}
