// Enum values from apache/parquet-format src/main/thrift/parquet.thrift.

/// Physical storage type of a column (`Type` in parquet.thrift).
public enum PhysicalType: Int32, Sendable, Equatable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

/// Repetition of a schema field (`FieldRepetitionType`).
public enum Repetition: Int32, Sendable, Equatable {
    case required = 0, optional = 1, repeated = 2
}

/// Value and level encodings (`Encoding`).
public enum Encoding: Int32, Sendable, Equatable {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

/// Page compression codecs (`CompressionCodec`).
public enum CompressionCodec: Int32, Sendable, Equatable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
}

/// Page kinds (`PageType`).
public enum PageType: Int32, Sendable, Equatable {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

/// Legacy type annotations (`ConvertedType`); DuckDB still reads strings and ints from these.
public enum ConvertedType: Int32, Sendable, Equatable {
    case utf8 = 0, date = 6, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14, int8 = 15, int16 = 16, int32 = 17, int64 = 18
}

/// Time units of TIMESTAMP and TIME logical types.
public enum TimeUnit: Int16, Sendable, Equatable {
    case millis = 1, micros = 2, nanos = 3
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
