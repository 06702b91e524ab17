/// A value bound to a `$n` parameter. Values are never spliced into SQL text (R-H-4).
///
/// Numbers and text travel in text format with the type left to the server, which infers it from
/// the statement; byte strings travel in binary format so no escaping is involved.
public enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Sent in binary format; the parameter should be `bytea`.
    case bytes([UInt8])
    /// A one-dimensional `bigint[]` without NULLs, sent in binary format (no text to build or parse).
    case int64Array([Int64])
    /// A one-dimensional `double precision[]` without NULLs, sent in binary format.
    case doubleArray([Double])
    /// A one-dimensional `timestamptz[]` given as Unix microseconds, sent in binary format: the
    /// server receives exact instants with no conversion function per element.
    case timestampArray(unixMicros: [Int64])

    /// The text-format wire representation, or `nil` for `.null` and binary values.
    var textBytes: [UInt8]? {
        switch self {
        case .null, .bytes, .int64Array, .doubleArray, .timestampArray: nil
        case .text(let s): Array(s.utf8)
        case .int(let v): Array(String(v).utf8)
        case .double(let v):
            if v.isNaN {
                Array("NaN".utf8)
            } else if v.isInfinite {
                Array((v > 0 ? "Infinity" : "-Infinity").utf8)
            } else {
                Array("\(v)".utf8)
            }
        case .bool(let v): v ? [UInt8(ascii: "t")] : [UInt8(ascii: "f")]
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension Optional where Wrapped == String {
    /// `.text` or `.null`.
    public var postgresValue: PostgresValue { map(PostgresValue.text) ?? .null }
}

extension Optional where Wrapped == Int64 {
    /// `.int` or `.null`.
    public var postgresValue: PostgresValue { map(PostgresValue.int) ?? .null }
}

extension PostgresValue {
    /// The binary-format wire representation, or `nil` for values sent as text.
    var binaryBytes: [UInt8]? {
        switch self {
        case .bytes(let b): b
        case .int64Array(let values): Self.arrayBytes(elementOID: 20, values.map(\.bigEndian))
        case .doubleArray(let values): Self.arrayBytes(elementOID: 701, values.map(\.bitPattern.bigEndian))
        case .timestampArray(let micros):
            Self.arrayBytes(
                elementOID: 1184, micros.map { ($0 &- BinaryCopyBuffer.postgresEpochOffsetMicros).bigEndian })
        default: nil
        }
    }

    /// `array_send` layout: ndim, has-null flag, element type OID, then per dimension its length
    /// and lower bound, then per element a 4-byte length and the element's binary value.
    private static func arrayBytes<T: FixedWidthInteger>(elementOID: Int32, _ bigEndianValues: [T]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(20 + bigEndianValues.count * (4 + MemoryLayout<T>.size))
        func put(_ v: Int32) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
        put(bigEndianValues.isEmpty ? 0 : 1)
        put(0)
        put(elementOID)
        if !bigEndianValues.isEmpty {
            put(Int32(bigEndianValues.count))
            put(1)
        }
        for v in bigEndianValues {
            put(Int32(MemoryLayout<T>.size))
            withUnsafeBytes(of: v) { out.append(contentsOf: $0) }
        }
        return out
    }
}
