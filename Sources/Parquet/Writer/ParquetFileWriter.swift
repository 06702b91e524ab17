// The file writer: "PAR1", row groups of column chunks, the Thrift footer, its length, "PAR1".
// The file is assembled in memory; its byte count is the only source of page offsets.

/// Writes a flat table of REQUIRED columns as one snappy-compressed Parquet file.
///
/// ```swift
/// var writer = try ParquetFileWriter(columns: [ParquetColumn(name: "id", physicalType: .int64)])
/// try writer.write([.int64([1, 2, 3])])
/// let bytes = try writer.finish(keyValueMetadata: [KeyValue(key: "source", value: "a.csv")])
/// ```
public struct ParquetFileWriter: Sendable {
    /// The columns, in file order.
    public let columns: [ParquetColumn]
    /// Size limits and created_by.
    public let options: ParquetWriterOptions
    private var file: [UInt8] = Array("PAR1".utf8)
    private var rowGroups: [RowGroup] = []
    private var numRows: Int64 = 0
    private var finished = false

    /// Creates a writer.
    /// - Throws: ``ParquetError/invalidOptions(_:)`` for nonsensical limits, ``ParquetError/schemaMismatch(_:)``
    ///   for an empty schema, duplicate names or an unsupported physical type.
    public init(columns: [ParquetColumn], options: ParquetWriterOptions = ParquetWriterOptions()) throws {
        try options.validate()
        guard !columns.isEmpty else { throw ParquetError.schemaMismatch("a file needs at least one column") }
        guard Set(columns.map(\.name)).count == columns.count else {
            throw ParquetError.schemaMismatch("column names repeat")
        }
        for column in columns where [.int96, .float, .fixedLenByteArray].contains(column.physicalType) {
            throw ParquetError.schemaMismatch(
                "column \(column.name): physical type \(column.physicalType) is not supported")
        }
        self.columns = columns
        self.options = options
    }

    /// Appends rows, one array per column in schema order, cut into row groups of at most
    /// `options.rowGroupRowLimit` rows. Writing zero rows adds nothing.
    /// - Throws: ``ParquetError/schemaMismatch(_:)`` when the arrays do not match the schema.
    public mutating func write(_ values: [ColumnValues]) throws {
        precondition(!finished, "ParquetFileWriter.write after finish")
        guard values.count == columns.count else {
            throw ParquetError.schemaMismatch("\(values.count) value arrays for \(columns.count) columns")
        }
        let rows = values[0].count
        for (column, columnValues) in zip(columns, values) {
            guard columnValues.physicalType == column.physicalType else {
                throw ParquetError.schemaMismatch(
                    "column \(column.name) is \(column.physicalType) but got \(columnValues.physicalType) values")
            }
            guard columnValues.count == rows else {
                throw ParquetError.schemaMismatch(
                    "column \(column.name) has \(columnValues.count) values, expected \(rows)")
            }
        }
        var start = 0
        while start < rows {
            let end = min(rows, start + options.rowGroupRowLimit)
            try writeRowGroup(values, rows: start..<end)
            start = end
        }
    }

    private mutating func writeRowGroup(_ values: [ColumnValues], rows: Range<Int>) throws {
        guard rowGroups.count < Int(Int16.max) else { throw ParquetError.valueTooLarge("more than 32767 row groups") }
        let groupOffset = Int64(file.count)
        var chunks: [ColumnChunk] = []
        for (column, columnValues) in zip(columns, values) {
            chunks.append(
                try ColumnChunkWriter(column: column, options: options).write(columnValues, rows: rows, to: &file))
        }
        rowGroups.append(
            RowGroup(
                columns: chunks,
                totalByteSize: chunks.reduce(0) { $0 + ($1.metaData?.totalUncompressedSize ?? 0) },
                numRows: Int64(rows.count), fileOffset: groupOffset,
                totalCompressedSize: chunks.reduce(0) { $0 + ($1.metaData?.totalCompressedSize ?? 0) },
                ordinal: Int16(rowGroups.count)))
        numRows += Int64(rows.count)
    }

    /// The footer that ``finish(keyValueMetadata:)`` writes, for the row groups written so far.
    public func footer(keyValueMetadata: [KeyValue] = []) -> FileMetaData {
        let root = SchemaElement(repetition: .required, name: "schema", numChildren: Int32(columns.count))
        return FileMetaData(
            version: 1, schema: [root] + columns.map(\.schemaElement), numRows: numRows, rowGroups: rowGroups,
            keyValueMetadata: keyValueMetadata, createdBy: options.createdBy, columnOrderCount: columns.count)
    }

    /// Writes the footer and returns the complete file.
    /// - Throws: ``ParquetError/valueTooLarge(_:)`` if the footer exceeds 4 GiB.
    public mutating func finish(keyValueMetadata: [KeyValue] = []) throws -> [UInt8] {
        precondition(!finished, "ParquetFileWriter.finish called twice")
        finished = true
        let footerBytes = footer(keyValueMetadata: keyValueMetadata).thriftEncoded()
        guard footerBytes.count <= Int(UInt32.max) else {
            throw ParquetError.valueTooLarge("footer of \(footerBytes.count) bytes")
        }
        var result = file
        file = []
        result.append(contentsOf: footerBytes)
        let length = UInt32(footerBytes.count)
        for shift in stride(from: 0, to: 32, by: 8) {
            result.append(UInt8(truncatingIfNeeded: length >> UInt32(shift)))
        }
        result.append(contentsOf: Array("PAR1".utf8))
        return result
    }
}
