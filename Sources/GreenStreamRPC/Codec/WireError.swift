/// Why bytes could not be decoded into (or a value encoded as) a wire message.
/// The server answers these with `INVALID_REQUEST` or `UNKNOWN_REQUEST`; nothing traps.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// protobuf-c could not parse the bytes (garbage, truncated, bad lengths).
    case malformed(message: String)
    /// `Request.body`/`Reply.body` (or another oneof) is not set or names an unknown field.
    case missingBody(message: String)
    /// A required sub-message is absent.
    case missingField(String)
    /// An enum field holds a number this version does not know.
    case unknownEnumValue(field: String, value: Int64)
    /// A string field is not valid UTF-8.
    case invalidUTF8(field: String)
    /// A string to encode contains a NUL byte, which protobuf-c's `char *` cannot carry.
    case embeddedNUL(field: String)
    /// A repeated field has more elements than ``WireLimits`` allow.
    case tooManyElements(field: String, count: Int, limit: Int)
    /// The reading columns have different lengths.
    case columnLengthMismatch(counts: [Int])
    /// A value does not fit the Swift model (e.g. an hour above 23, a negative line, a
    /// count above `Int.max`), or a model value does not fit the wire (a negative count).
    case valueOutOfRange(field: String, value: String)
    /// A field is longer than ``WireLimits`` allow (the request header).
    case fieldTooLarge(field: String, size: UInt64, limit: Int)

    public var description: String {
        switch self {
        case .malformed(let message): "malformed \(message)"
        case .missingBody(let message): message
        case .missingField(let field): "required field \(field) is missing"
        case .unknownEnumValue(let field, let value): "unknown value \(value) in enum field \(field)"
        case .invalidUTF8(let field): "field \(field) is not valid UTF-8"
        case .embeddedNUL(let field): "field \(field) contains a NUL byte"
        case .tooManyElements(let field, let count, let limit): "field \(field) has \(count) elements, limit \(limit)"
        case .columnLengthMismatch(let counts): "reading columns differ in length: \(counts)"
        case .valueOutOfRange(let field, let value): "field \(field) has out-of-range value \(value)"
        case .fieldTooLarge(let field, let size, let limit): "field \(field) has \(size) bytes, limit \(limit)"
        }
    }
}

/// Upper bounds on repeated fields accepted when decoding. The receive limit of the
/// NNG endpoint already bounds memory; these give a precise error for lists that no
/// honest peer sends.
public struct WireLimits: Sendable, Equatable {
    /// Readings in one result (each column).
    public var maxReadings: Int
    /// Reject records in one result.
    public var maxRejects: Int
    /// Archive files in one result.
    public var maxArchiveFiles: Int
    /// Elements of any other list (jobs, workers, ids, attempts, hours, progress entries).
    public var maxListItems: Int
    /// Bytes of `Request.header`, the part of a request read before its token is
    /// checked (``WireCodec/decodeHeader(_:)-(UnsafeRawBufferPointer)``).
    public var maxHeaderBytes: Int

    /// - Parameters:
    ///   - maxReadings: default 16 Mi readings.
    ///   - maxRejects: default 4 Mi records.
    ///   - maxArchiveFiles: default 4096 dates.
    ///   - maxListItems: default 100 000.
    ///   - maxHeaderBytes: default 4096 (a 128-byte request id, a token of up to 1 KiB
    ///     and a client id leave ample room).
    public init(
        maxReadings: Int = 16 << 20, maxRejects: Int = 4 << 20, maxArchiveFiles: Int = 4096,
        maxListItems: Int = 100_000, maxHeaderBytes: Int = 4096
    ) {
        self.maxReadings = maxReadings
        self.maxRejects = maxRejects
        self.maxArchiveFiles = maxArchiveFiles
        self.maxListItems = maxListItems
        self.maxHeaderBytes = maxHeaderBytes
    }
}
