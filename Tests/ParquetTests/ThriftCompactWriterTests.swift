import Testing

@testable import Parquet

@Suite("Thrift compact protocol encoder (R-P-3 footer bytes)")
struct ThriftCompactWriterTests {
    @Test func shortFieldHeaderCarriesTheIdDelta() {
        var w = ThriftCompactWriter()
        w.writeI32(1, 1)
        w.writeI32(3, -1)
        w.endStruct()
        #expect(w.bytes == [0x15, 0x02, 0x25, 0x01, 0x00])
    }

    @Test func fieldIdJumpOver15UsesTheLongForm() {
        var w = ThriftCompactWriter()
        w.writeI32(1, 0)
        w.writeI64(17, 5)
        w.writeI32(300, 2)
        #expect(w.bytes == [0x15, 0x00, 0x06, 0x22, 0x0A, 0x05, 0xD8, 0x04, 0x04])
    }

    @Test func descendingFieldIdUsesTheLongForm() {
        var w = ThriftCompactWriter()
        w.writeI32(5, 0)
        w.writeI32(2, 0)
        #expect(w.bytes == [0x55, 0x00, 0x05, 0x04, 0x00])
    }

    @Test(
        arguments: [
            (Int64(0), [UInt8(0x00)]), (1, [0x02]), (-1, [0x01]), (300, [0xD8, 0x04]), (-64, [0x7F]),
            (64, [0x80, 0x01]),
            (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ] as [(Int64, [UInt8])])
    func i64IsZigZagVarint(value: Int64, expected: [UInt8]) {
        var w = ThriftCompactWriter()
        w.writeZigZag64(value)
        #expect(w.bytes == expected)
    }

    @Test(
        arguments: [
            (Int32.max, [UInt8(0xFE), 0xFF, 0xFF, 0xFF, 0x0F]), (Int32.min, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (2, [0x04]),
        ] as [(Int32, [UInt8])])
    func i32IsZigZagVarint(value: Int32, expected: [UInt8]) {
        var w = ThriftCompactWriter()
        w.writeZigZag32(value)
        #expect(w.bytes == expected)
    }

    @Test func i16AndI8Forms() {
        var w = ThriftCompactWriter()
        w.writeI16(1, -2)
        w.writeI8(2, -1)
        #expect(w.bytes == [0x14, 0x03, 0x13, 0xFF])
    }

    @Test func booleansLiveInTheFieldType() {
        var w = ThriftCompactWriter()
        w.writeBool(1, true)
        w.writeBool(2, false)
        w.endStruct()
        #expect(w.bytes == [0x11, 0x12, 0x00])
    }

    @Test func doubleIsLittleEndianIEEE() {
        var w = ThriftCompactWriter()
        w.writeDouble(1, 1.0)
        #expect(w.bytes == [0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    @Test func binaryIsLengthPrefixed() {
        var w = ThriftCompactWriter()
        w.writeString(4, "s")
        w.writeBinary(5, [])
        #expect(w.bytes == [0x48, 0x01, 0x73, 0x18, 0x00])
    }

    @Test func shortListPacksTheSizeInTheHeader() {
        var w = ThriftCompactWriter()
        w.beginList(2, elementType: .i32, count: 3)
        for v: Int32 in [0, 3, 8] { w.writeZigZag32(v) }
        #expect(w.bytes == [0x29, 0x35, 0x00, 0x06, 0x10])
    }

    @Test func longListWritesTheSizeAsVarint() {
        var w = ThriftCompactWriter()
        w.writeListHeader(elementType: .i32, count: 20)
        w.writeListHeader(elementType: .structure, count: 14)
        w.writeListHeader(elementType: .binary, count: 15)
        w.writeListHeader(elementType: .i64, count: 300)
        #expect(w.bytes == [0xF5, 0x14, 0xEC, 0xF8, 0x0F, 0xF6, 0xAC, 0x02])
    }

    @Test func nestedStructRestoresTheOuterFieldId() {
        var w = ThriftCompactWriter()
        w.writeI32(1, 0)
        w.beginStruct(3)
        w.writeI32(1, 1)
        w.writeI32(2, 1)
        w.endStruct()
        w.writeI32(4, 1)
        w.endStruct()
        #expect(w.bytes == [0x15, 0x00, 0x2C, 0x15, 0x02, 0x15, 0x02, 0x00, 0x15, 0x02, 0x00])
    }

    @Test func listOfStructsResetsTheFieldIdPerElement() {
        var w = ThriftCompactWriter()
        w.beginList(7, elementType: .structure, count: 3)
        for _ in 0..<3 {
            w.beginStructElement()
            w.beginStruct(1)
            w.endStruct()
            w.endStruct()
        }
        // notes §2: column_orders with 3 TYPE_ORDER entries.
        #expect(w.bytes == [0x79, 0x3C, 0x1C, 0x00, 0x00, 0x1C, 0x00, 0x00, 0x1C, 0x00, 0x00])
    }

    @Test func logicalTypesMatchTheWorkedBytes() {
        func encoded(_ type: LogicalType) -> [UInt8] {
            var w = ThriftCompactWriter()
            w.beginStructElement()
            type.encode(into: &w)
            w.endStruct()
            return w.bytes
        }
        #expect(encoded(.string) == [0x1C, 0x00, 0x00])
        #expect(
            encoded(.timestamp(isAdjustedToUTC: true, unit: .micros)) == [
                0x8C, 0x11, 0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00,
            ])
        #expect(encoded(.integer(bitWidth: 8, isSigned: true)) == [0xAC, 0x13, 0x08, 0x11, 0x00, 0x00])
    }

    @Test func optionalStringLeafMatchesTheWorkedBytes() {
        var w = ThriftCompactWriter()
        SchemaElement(type: .byteArray, repetition: .optional, name: "s", convertedType: .utf8, logicalType: .string)
            .encode(into: &w)
        #expect(w.bytes == [0x15, 0x0C, 0x25, 0x02, 0x18, 0x01, 0x73, 0x25, 0x00, 0x4C, 0x1C, 0x00, 0x00, 0x00])
    }

    @Test func readerDecodesWhatTheWriterWrote() throws {
        var w = ThriftCompactWriter()
        w.writeBool(1, true)
        w.writeI64(20, Int64.min)
        w.beginStruct(21)
        w.writeString(1, "x")
        w.endStruct()
        w.beginList(22, elementType: .i32, count: 16)
        for v in 0..<16 { w.writeZigZag32(Int32(v) - 8) }
        w.writeDouble(23, -0.0)
        w.endStruct()
        var r = ThriftCompactReader(w.bytes)
        let s = try r.readStruct()
        #expect(s.bool(1) == true)
        #expect(s.int(20) == Int64.min)
        #expect(s.structure(21)?.binary(1) == [0x78])
        #expect(s.list(22) == (0..<16).map { .int(Int64($0) - 8) })
        #expect(s.fields[23] == .double(-0.0))
        #expect(r.offset == w.bytes.count)
    }

    @Test(arguments: [[UInt8](), [0x15], [0x18, 0x05, 0x41], [0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x0F], [0x1D]])
    func readerRejectsTruncatedOrInvalidInput(bytes: [UInt8]) {
        var r = ThriftCompactReader(bytes)
        #expect(throws: ThriftDecodingError.self) { try r.readStruct() }
    }

    @Test func deeplyNestedListsAreRefusedNotAStackOverflow() {
        // Field 1 is a list of one list of one list …: 100 000 levels in 100 001 bytes.
        var r = ThriftCompactReader([0x19] + Array(repeating: 0x19, count: 100_000))
        #expect(throws: ThriftDecodingError.tooDeep) { try r.readStruct() }
    }
}
