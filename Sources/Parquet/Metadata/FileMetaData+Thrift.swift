// Serialising the footer with the compact protocol. Field ids are parquet.thrift's; the
// notes in shared/notes/parquet.md §3 explain which optional fields readers in fact need.

extension FileMetaData {
    /// The footer as Thrift compact bytes.
    public func thriftEncoded() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.writeI32(1, version)
        w.beginList(2, elementType: .structure, count: schema.count)
        for element in schema { element.encode(into: &w) }
        w.writeI64(3, numRows)
        w.beginList(4, elementType: .structure, count: rowGroups.count)
        for group in rowGroups { group.encode(into: &w) }
        if !keyValueMetadata.isEmpty {
            w.beginList(5, elementType: .structure, count: keyValueMetadata.count)
            for entry in keyValueMetadata {
                w.beginStructElement()
                w.writeString(1, entry.key)
                if let value = entry.value { w.writeString(2, value) }
                w.endStruct()
            }
        }
        if let createdBy { w.writeString(6, createdBy) }
        if columnOrderCount > 0 {
            // Without TYPE_ORDER column orders pyarrow ignores min_value/max_value.
            w.beginList(7, elementType: .structure, count: columnOrderCount)
            for _ in 0..<columnOrderCount {
                w.beginStructElement()
                w.beginStruct(1)
                w.endStruct()
                w.endStruct()
            }
        }
        w.endStruct()
        return w.bytes
    }
}

extension SchemaElement {
    func encode(into w: inout ThriftCompactWriter) {
        w.beginStructElement()
        if let type { w.writeI32(1, type.rawValue) }
        if let repetition { w.writeI32(3, repetition.rawValue) }
        w.writeString(4, name)
        if let numChildren { w.writeI32(5, numChildren) }
        if let convertedType { w.writeI32(6, convertedType.rawValue) }
        if let logicalType {
            w.beginStruct(10)
            logicalType.encode(into: &w)
            w.endStruct()
        }
        w.endStruct()
    }
}

extension LogicalType {
    /// Writes the union's one member field (the caller opens and closes the union struct).
    func encode(into w: inout ThriftCompactWriter) {
        switch self {
        case .string:
            w.beginStruct(1)
            w.endStruct()
        case .date:
            w.beginStruct(6)
            w.endStruct()
        case .timestamp(let utc, let unit):
            w.beginStruct(8)
            w.writeBool(1, utc)
            w.beginStruct(2)
            w.beginStruct(unit.rawValue)
            w.endStruct()
            w.endStruct()
            w.endStruct()
        case .integer(let width, let signed):
            w.beginStruct(10)
            w.writeI8(1, width)
            w.writeBool(2, signed)
            w.endStruct()
        }
    }
}

extension Statistics {
    func encode(into w: inout ThriftCompactWriter) {
        if let nullCount { w.writeI64(3, nullCount) }
        if let distinctCount { w.writeI64(4, distinctCount) }
        if let maxValue { w.writeBinary(5, maxValue) }
        if let minValue { w.writeBinary(6, minValue) }
        if let isMaxValueExact { w.writeBool(7, isMaxValueExact) }
        if let isMinValueExact { w.writeBool(8, isMinValueExact) }
        if let nanCount { w.writeI64(9, nanCount) }
    }
}

extension ColumnMetaData {
    func encode(into w: inout ThriftCompactWriter) {
        w.writeI32(1, type.rawValue)
        w.beginList(2, elementType: .i32, count: encodings.count)
        for encoding in encodings { w.writeZigZag32(encoding.rawValue) }
        w.beginList(3, elementType: .binary, count: pathInSchema.count)
        for name in pathInSchema { w.writeBinaryValue(Array(name.utf8)) }
        w.writeI32(4, codec.rawValue)
        w.writeI64(5, numValues)
        w.writeI64(6, totalUncompressedSize)
        w.writeI64(7, totalCompressedSize)
        w.writeI64(9, dataPageOffset)
        if let dictionaryPageOffset { w.writeI64(11, dictionaryPageOffset) }
        if let statistics {
            w.beginStruct(12)
            statistics.encode(into: &w)
            w.endStruct()
        }
    }
}

extension RowGroup {
    func encode(into w: inout ThriftCompactWriter) {
        w.beginStructElement()
        w.beginList(1, elementType: .structure, count: columns.count)
        for chunk in columns {
            w.beginStructElement()
            w.writeI64(2, chunk.fileOffset)
            if let meta = chunk.metaData {
                w.beginStruct(3)
                meta.encode(into: &w)
                w.endStruct()
            }
            w.endStruct()
        }
        w.writeI64(2, totalByteSize)
        w.writeI64(3, numRows)
        if let fileOffset { w.writeI64(5, fileOffset) }
        if let totalCompressedSize { w.writeI64(6, totalCompressedSize) }
        if let ordinal { w.writeI16(7, ordinal) }
        w.endStruct()
    }
}
