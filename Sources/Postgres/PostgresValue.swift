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

    /// The text-format wire representation, or `nil` for `.null` and binary values.
    var textBytes: [UInt8]? {
        switch self {
        case .null, .bytes: nil
        case .text(let s): Array(s.utf8)
        case .int(let v): Array(String(v).utf8)
        case .double(let v):
            if v.isNaN { Array("NaN".utf8) } else if v.isInfinite { Array((v > 0 ? "Infinity" : "-Infinity").utf8) } else { Array("\(v)".utf8) }
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
