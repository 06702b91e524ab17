// Enum values from apache/parquet-format src/main/thrift/parquet.thrift.

/// Physical storage type of a column (`Type` in parquet.thrift).
public enum PhysicalType: Int32, Sendable, Equatable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}

/// Repetition of a schema field (`FieldRepetitionType`).
public enum Repetition: Int32, Sendable, Equatable {
    case required = 0
    case optional = 1
    case repeated = 2
}

/// Value and level encodings (`Encoding`).
public enum Encoding: Int32, Sendable, Equatable {
    case plain = 0
    case plainDictionary = 2
    case rle = 3
    case bitPacked = 4
    case deltaBinaryPacked = 5
    case deltaLengthByteArray = 6
    case deltaByteArray = 7
    case rleDictionary = 8
    case byteStreamSplit = 9
}

/// Page compression codecs (`CompressionCodec`).
public enum CompressionCodec: Int32, Sendable, Equatable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case lzo = 3
    case brotli = 4
    case lz4 = 5
    case zstd = 6
    case lz4Raw = 7
}

/// Page kinds (`PageType`).
public enum PageType: Int32, Sendable, Equatable {
    case dataPage = 0
    case indexPage = 1
    case dictionaryPage = 2
    case dataPageV2 = 3
}

/// Legacy type annotations (`ConvertedType`); DuckDB still reads strings and ints from these.
public enum ConvertedType: Int32, Sendable, Equatable {
    case utf8 = 0
    case date = 6
    case timestampMillis = 9
    case timestampMicros = 10
    case uint8 = 11
    case uint16 = 12
    case uint32 = 13
    case uint64 = 14
    case int8 = 15
    case int16 = 16
    case int32 = 17
    case int64 = 18
}

/// Time units of TIMESTAMP and TIME logical types.
public enum TimeUnit: Int16, Sendable, Equatable {
    case millis = 1
    case micros = 2
    case nanos = 3
}

/// The logical types this writer emits (the `LogicalType` union; field ids are the union ids).
public enum LogicalType: Sendable, Equatable {
    /// UTF-8 text on BYTE_ARRAY.
    case string
    /// Days since the epoch on INT32.
    case date
    /// An instant or local time on INT64.
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// A sized integer on INT32 or INT64.
    case integer(bitWidth: Int8, isSigned: Bool)

    /// The converted type written beside the logical type, for readers that only know the old annotations.
    public var convertedType: ConvertedType? {
        switch self {
        case .string: .utf8
        case .date: .date
        case .timestamp(_, .millis): .timestampMillis
        case .timestamp(_, .micros): .timestampMicros
        case .timestamp(_, .nanos): nil
        case .integer(let width, let signed):
            switch (width, signed) {
            case (8, true): .int8
            case (16, true): .int16
            case (32, true): .int32
            case (64, true): .int64
            case (8, false): .uint8
            case (16, false): .uint16
            case (32, false): .uint32
            case (64, false): .uint64
            default: nil
            }
        }
    }
}
