/// When a column chunk is dictionary-encoded.
public enum DictionaryPolicy: Sendable, Equatable {
    /// Use a dictionary when it fits the size limit and is estimated smaller than PLAIN.
    case auto
    /// Always PLAIN.
    case never
}

/// One REQUIRED leaf column of a flat schema.
///
/// The writer supports flat tables of REQUIRED columns only: that is all the archive needs (R-P-2),
/// and it keeps definition levels out of every page.
public struct ParquetColumn: Sendable, Equatable {
    /// Column name.
    public var name: String
    /// Physical type; the values handed to the writer must match it.
    public var physicalType: PhysicalType
    /// Logical annotation, written as both logicalType and converted type.
    public var logicalType: LogicalType?
    /// Whether the writer may dictionary-encode the column.
    public var dictionary: DictionaryPolicy

    /// Creates a column.
    /// - Parameters:
    ///   - name: column name.
    ///   - physicalType: BOOLEAN, INT32, INT64, DOUBLE or BYTE_ARRAY.
    ///   - logicalType: optional annotation (STRING on BYTE_ARRAY, TIMESTAMP on INT64, …).
    ///   - dictionary: dictionary policy; booleans are always PLAIN.
    public init(
        name: String, physicalType: PhysicalType, logicalType: LogicalType? = nil, dictionary: DictionaryPolicy = .auto
    ) {
        self.name = name
        self.physicalType = physicalType
        self.logicalType = logicalType
        self.dictionary = dictionary
    }

    var schemaElement: SchemaElement {
        SchemaElement(
            type: physicalType, repetition: .required, name: name,
            convertedType: logicalType?.convertedType, logicalType: logicalType)
    }
}

/// The values of one column, one per row.
public enum ColumnValues: Sendable {
    /// BOOLEAN values.
    case boolean([Bool])
    /// INT32 values.
    case int32([Int32])
    /// INT64 values.
    case int64([Int64])
    /// DOUBLE values.
    case double([Double])
    /// BYTE_ARRAY values.
    case byteArray([[UInt8]])
    /// BYTE_ARRAY values given as a dictionary plus one index per row: row i holds
    /// `dictionary[indices[i]]`. The cheap form for categorical columns (always dictionary-encoded).
    case categorical(dictionary: [[UInt8]], indices: [UInt32])

    /// UTF-8 strings as BYTE_ARRAY values.
    public static func strings(_ values: [String]) -> ColumnValues { .byteArray(values.map { Array($0.utf8) }) }

    /// Number of rows.
    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .double(let v): v.count
        case .byteArray(let v): v.count
        case .categorical(_, let indices): indices.count
        }
    }

    /// The physical type these values are stored as.
    public var physicalType: PhysicalType {
        switch self {
        case .boolean: .boolean
        case .int32: .int32
        case .int64: .int64
        case .double: .double
        case .byteArray, .categorical: .byteArray
        }
    }
}

/// Size limits and identification for ``ParquetFileWriter``.
public struct ParquetWriterOptions: Sendable, Equatable {
    /// Default uncompressed data-page body size, 1 MiB (what parquet-cpp and arrow-rs use).
    public static let defaultPageSizeLimit = 1 << 20
    /// Default rows per row group, 1 Mi rows (pyarrow's default).
    public static let defaultRowGroupRowLimit = 1 << 20
    /// Default largest dictionary page, 1 MiB.
    public static let defaultDictionaryPageSizeLimit = 1 << 20

    /// Upper bound of a data page's uncompressed body, in bytes (a page holds at least one value).
    public var pageSizeLimit: Int
    /// Most rows in one row group.
    public var rowGroupRowLimit: Int
    /// Largest dictionary (PLAIN size, bytes); a column with a larger one is written PLAIN.
    public var dictionaryPageSizeLimit: Int
    /// The footer's created_by.
    public var createdBy: String

    /// Creates options; every parameter has the documented default.
    public init(
        pageSizeLimit: Int = defaultPageSizeLimit, rowGroupRowLimit: Int = defaultRowGroupRowLimit,
        dictionaryPageSizeLimit: Int = defaultDictionaryPageSizeLimit,
        createdBy: String = "greenstream-parquet version 0.1.0"
    ) {
        self.pageSizeLimit = pageSizeLimit
        self.rowGroupRowLimit = rowGroupRowLimit
        self.dictionaryPageSizeLimit = dictionaryPageSizeLimit
        self.createdBy = createdBy
    }

    func validate() throws {
        guard pageSizeLimit > 0, pageSizeLimit <= Int(Int32.max) / 2 else {
            throw ParquetError.invalidOptions("pageSizeLimit \(pageSizeLimit) must be in 1…\(Int32.max / 2)")
        }
        guard rowGroupRowLimit > 0 else { throw ParquetError.invalidOptions("rowGroupRowLimit must be positive") }
        guard dictionaryPageSizeLimit >= 0, dictionaryPageSizeLimit <= Int(Int32.max) / 2 else {
            throw ParquetError.invalidOptions("dictionaryPageSizeLimit \(dictionaryPageSizeLimit) out of range")
        }
    }
}
