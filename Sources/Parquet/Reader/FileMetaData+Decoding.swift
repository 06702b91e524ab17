// Mapping a decoded Thrift tree onto the footer model. Required fields that are missing or
// of the wrong type make the footer invalid, as they do for Arrow's and DuckDB's readers.

extension FileMetaData {
    /// Decodes a footer from its compact-protocol struct.
    /// - Throws: ``ParquetError/invalidFile(_:)`` naming the first missing or malformed field.
    public init(thrift s: ThriftStruct) throws {
        version = Int32(truncatingIfNeeded: try s.required(1, "FileMetaData.version"))
        schema = try s.requiredList(2, "FileMetaData.schema").map {
            try SchemaElement(thrift: $0.asStruct("schema element"))
        }
        numRows = try s.required(3, "FileMetaData.num_rows")
        rowGroups = try s.requiredList(4, "FileMetaData.row_groups").map {
            try RowGroup(thrift: $0.asStruct("row group"))
        }
        keyValueMetadata = try (s.list(5) ?? []).map { item in
            let kv = try item.asStruct("key_value_metadata entry")
            guard let key = kv.binary(1) else { throw ParquetError.invalidFile("KeyValue.key missing") }
            return KeyValue(
                key: String(decoding: key, as: UTF8.self),
                value: kv.binary(2).map { String(decoding: $0, as: UTF8.self) })
        }
        createdBy = s.binary(6).map { String(decoding: $0, as: UTF8.self) }
        columnOrderCount = s.list(7)?.count ?? 0
    }
}

extension SchemaElement {
    init(thrift s: ThriftStruct) throws {
        guard let rawName = s.binary(4) else { throw ParquetError.invalidFile("SchemaElement.name missing") }
        name = String(decoding: rawName, as: UTF8.self)
        type = try s.int(1).map { try enumValue(PhysicalType.self, $0, "SchemaElement.type") }
        repetition = try s.int(3).map { try enumValue(Repetition.self, $0, "SchemaElement.repetition_type") }
        numChildren = s.int(5).map { Int32(truncatingIfNeeded: $0) }
        convertedType = s.int(6).flatMap { ConvertedType(rawValue: Int32(truncatingIfNeeded: $0)) }
        logicalType = s.structure(10).flatMap(LogicalType.init(union:))
    }
}

extension LogicalType {
    /// Reads the union; nil for members this model does not cover.
    init?(union s: ThriftStruct) {
        if s.structure(1) != nil {
            self = .string
        } else if s.structure(6) != nil {
            self = .date
        } else if let ts = s.structure(8), let unitUnion = ts.structure(2),
            let unit = [TimeUnit.millis, .micros, .nanos].first(where: { unitUnion.structure($0.rawValue) != nil })
        {
            self = .timestamp(isAdjustedToUTC: ts.bool(1) ?? false, unit: unit)
        } else if let int = s.structure(10), let width = int.int(1) {
            self = .integer(bitWidth: Int8(truncatingIfNeeded: width), isSigned: int.bool(2) ?? true)
        } else {
            return nil
        }
    }
}

extension RowGroup {
    init(thrift s: ThriftStruct) throws {
        columns = try s.requiredList(1, "RowGroup.columns").map { item in
            let c = try item.asStruct("column chunk")
            return ColumnChunk(
                fileOffset: try c.required(2, "ColumnChunk.file_offset"),
                metaData: try c.structure(3).map(ColumnMetaData.init(thrift:)))
        }
        totalByteSize = try s.required(2, "RowGroup.total_byte_size")
        numRows = try s.required(3, "RowGroup.num_rows")
        fileOffset = s.int(5)
        totalCompressedSize = s.int(6)
        ordinal = s.int(7).map { Int16(truncatingIfNeeded: $0) }
    }
}

extension ColumnMetaData {
    init(thrift s: ThriftStruct) throws {
        type = try enumValue(PhysicalType.self, try s.required(1, "ColumnMetaData.type"), "ColumnMetaData.type")
        encodings = try s.requiredList(2, "ColumnMetaData.encodings").compactMap { value in
            guard case .int(let raw) = value else { throw ParquetError.invalidFile("ColumnMetaData.encodings element") }
            return Encoding(rawValue: Int32(truncatingIfNeeded: raw))
        }
        pathInSchema = try s.requiredList(3, "ColumnMetaData.path_in_schema").map { value in
            guard case .binary(let raw) = value else {
                throw ParquetError.invalidFile("ColumnMetaData.path_in_schema element")
            }
            return String(decoding: raw, as: UTF8.self)
        }
        codec = try enumValue(CompressionCodec.self, try s.required(4, "ColumnMetaData.codec"), "ColumnMetaData.codec")
        numValues = try s.required(5, "ColumnMetaData.num_values")
        totalUncompressedSize = try s.required(6, "ColumnMetaData.total_uncompressed_size")
        totalCompressedSize = try s.required(7, "ColumnMetaData.total_compressed_size")
        dataPageOffset = try s.required(9, "ColumnMetaData.data_page_offset")
        dictionaryPageOffset = s.int(11)
        statistics = s.structure(12).map { st in
            Statistics(
                nullCount: st.int(3), distinctCount: st.int(4), maxValue: st.binary(5), minValue: st.binary(6),
                isMaxValueExact: st.bool(7), isMinValueExact: st.bool(8), nanCount: st.int(9))
        }
    }
}

private func enumValue<E: RawRepresentable>(_: E.Type, _ raw: Int64, _ field: String) throws -> E
where E.RawValue == Int32 {
    guard let value = E(rawValue: Int32(truncatingIfNeeded: raw)) else {
        throw ParquetError.invalidFile("\(field) has unknown value \(raw)")
    }
    return value
}

extension ThriftStruct {
    fileprivate func required(_ id: Int16, _ field: String) throws -> Int64 {
        guard let value = int(id) else { throw ParquetError.invalidFile("\(field) missing") }
        return value
    }

    fileprivate func requiredList(_ id: Int16, _ field: String) throws -> [ThriftValue] {
        guard let value = list(id) else { throw ParquetError.invalidFile("\(field) missing") }
        return value
    }
}

extension ThriftValue {
    fileprivate func asStruct(_ what: String) throws -> ThriftStruct {
        guard case .structure(let s) = self else { throw ParquetError.invalidFile("\(what) is not a struct") }
        return s
    }
}
