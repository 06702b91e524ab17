// The footer structures the writer emits and the footer reader returns. Field meanings follow
// parquet.thrift; only the fields GreenStream writes or checks are modelled.

/// One node of the flattened schema tree; the first element is the root.
public struct SchemaElement: Sendable, Equatable {
    /// Physical type; nil for the root and groups.
    public var type: PhysicalType?
    /// Repetition; nil is allowed for the root.
    public var repetition: Repetition?
    /// Field name.
    public var name: String
    /// Number of children; set for the root and groups only.
    public var numChildren: Int32?
    /// Legacy annotation.
    public var convertedType: ConvertedType?
    /// Modern annotation.
    public var logicalType: LogicalType?

    /// Creates a schema element.
    public init(
        type: PhysicalType? = nil, repetition: Repetition? = nil, name: String, numChildren: Int32? = nil,
        convertedType: ConvertedType? = nil, logicalType: LogicalType? = nil
    ) {
        self.type = type
        self.repetition = repetition
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.logicalType = logicalType
    }
}

/// Column chunk statistics; `minValue`/`maxValue` are PLAIN bytes at the column's exact width.
public struct Statistics: Sendable, Equatable {
    /// Number of nulls in the chunk.
    public var nullCount: Int64?
    /// Number of distinct values, when known.
    public var distinctCount: Int64?
    /// The largest value, PLAIN-encoded without length prefix.
    public var maxValue: [UInt8]?
    /// The smallest value, PLAIN-encoded without length prefix.
    public var minValue: [UInt8]?
    /// Whether `maxValue` is the actual maximum (not a truncated bound).
    public var isMaxValueExact: Bool?
    /// Whether `minValue` is the actual minimum.
    public var isMinValueExact: Bool?
    /// Number of NaN values (floating-point columns).
    public var nanCount: Int64?

    /// Creates statistics.
    public init(
        nullCount: Int64? = nil, distinctCount: Int64? = nil, maxValue: [UInt8]? = nil, minValue: [UInt8]? = nil,
        isMaxValueExact: Bool? = nil, isMinValueExact: Bool? = nil, nanCount: Int64? = nil
    ) {
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }
}

/// Where a column chunk's pages are and how they are stored.
public struct ColumnMetaData: Sendable, Equatable {
    /// Physical type.
    public var type: PhysicalType
    /// Every encoding used in the chunk.
    public var encodings: [Encoding]
    /// Column path; one name for flat columns.
    public var pathInSchema: [String]
    /// Page compression.
    public var codec: CompressionCodec
    /// Number of values (levels) in the chunk.
    public var numValues: Int64
    /// Σ(page header + uncompressed body).
    public var totalUncompressedSize: Int64
    /// Σ(page header + stored body): the chunk's byte span.
    public var totalCompressedSize: Int64
    /// Offset of the first data page's header.
    public var dataPageOffset: Int64
    /// Offset of the dictionary page's header, when there is one.
    public var dictionaryPageOffset: Int64?
    /// Chunk statistics.
    public var statistics: Statistics?
}

/// One column of one row group.
public struct ColumnChunk: Sendable, Equatable {
    /// Deprecated; always 0 as the current spec asks, but required by Thrift.
    public var fileOffset: Int64
    /// The chunk's metadata.
    public var metaData: ColumnMetaData?
}

/// A horizontal slice of the table.
public struct RowGroup: Sendable, Equatable {
    /// Column chunks in schema leaf order.
    public var columns: [ColumnChunk]
    /// Σ of the chunks' total uncompressed sizes.
    public var totalByteSize: Int64
    /// Rows in the group.
    public var numRows: Int64
    /// Offset of the group's first page.
    public var fileOffset: Int64?
    /// Σ of the chunks' total compressed sizes.
    public var totalCompressedSize: Int64?
    /// Position of the group in the file.
    public var ordinal: Int16?
}

/// An application-defined footer entry.
public struct KeyValue: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value, if any.
    public var value: String?

    /// Creates an entry.
    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// The file footer.
public struct FileMetaData: Sendable, Equatable {
    /// Format version; this writer writes 1.
    public var version: Int32
    /// The flattened schema, root first.
    public var schema: [SchemaElement]
    /// Rows in the file.
    public var numRows: Int64
    /// The row groups.
    public var rowGroups: [RowGroup]
    /// Application metadata.
    public var keyValueMetadata: [KeyValue]
    /// The writing application.
    public var createdBy: String?
    /// Number of `ColumnOrder` entries (all TYPE_ORDER in files this writer makes).
    public var columnOrderCount: Int

    /// The value stored under `key` in the key-value metadata.
    public func metadataValue(forKey key: String) -> String? {
        keyValueMetadata.first { $0.key == key }?.value
    }

    /// The leaf columns of a flat schema (every element after the root).
    public var leafColumns: ArraySlice<SchemaElement> { schema.dropFirst() }
}
