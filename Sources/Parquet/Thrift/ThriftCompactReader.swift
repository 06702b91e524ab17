// Thrift compact protocol, decoder side: reads any struct into a generic value tree so the
// footer reader can pick the fields it knows and skip the rest, as real Thrift readers do.
// Every read is bounds-checked; malformed input throws, it never traps.

/// A decoded compact-protocol value.
public indirect enum ThriftValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case map([(ThriftValue, ThriftValue)])
    case structure(ThriftStruct)

    public static func == (a: ThriftValue, b: ThriftValue) -> Bool {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x.bitPattern == y.bitPattern
        case (.binary(let x), .binary(let y)): x == y
        case (.list(let x), .list(let y)): x == y
        case (.map(let x), .map(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.structure(let x), .structure(let y)): x == y
        default: false
        }
    }
}

/// A decoded struct: its fields by id.
public struct ThriftStruct: Sendable, Equatable {
    /// The fields present, by field id.
    public var fields: [Int16: ThriftValue] = [:]

    /// Creates a struct from fields.
    public init(fields: [Int16: ThriftValue] = [:]) { self.fields = fields }

    /// The field `id` as an integer, or nil when absent or of another type.
    public func int(_ id: Int16) -> Int64? { if case .int(let v) = fields[id] { v } else { nil } }
    /// The field `id` as a bool.
    public func bool(_ id: Int16) -> Bool? { if case .bool(let v) = fields[id] { v } else { nil } }
    /// The field `id` as bytes.
    public func binary(_ id: Int16) -> [UInt8]? { if case .binary(let v) = fields[id] { v } else { nil } }
    /// The field `id` as a nested struct.
    public func structure(_ id: Int16) -> ThriftStruct? { if case .structure(let v) = fields[id] { v } else { nil } }
    /// The field `id` as a list.
    public func list(_ id: Int16) -> [ThriftValue]? { if case .list(let v) = fields[id] { v } else { nil } }
}

/// Why compact-protocol bytes could not be decoded.
public enum ThriftDecodingError: Error, Sendable, Equatable {
    /// The input ended at this offset in the middle of a value.
    case unexpectedEnd(offset: Int)
    /// An unknown type code at this offset.
    case invalidType(code: UInt8, offset: Int)
    /// A varint longer than 10 bytes, or a size that cannot be right.
    case invalidLength(offset: Int)
    /// Structs nested deeper than the reader allows.
    case tooDeep
}

/// Decodes compact-protocol bytes.
public struct ThriftCompactReader {
    private let bytes: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var offset: Int
    private let maxDepth = 64

    /// Creates a reader over `bytes` starting at `offset`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Reads one struct, up to and including its stop byte.
    public mutating func readStruct() throws -> ThriftStruct { try readStruct(depth: 0) }

    private mutating func readStruct(depth: Int) throws -> ThriftStruct {
        guard depth < maxDepth else { throw ThriftDecodingError.tooDeep }
        var result = ThriftStruct()
        var lastID: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { return result }
            let typeCode = header & 0x0F
            let delta = header >> 4
            let id: Int16
            if delta != 0 {
                id = lastID &+ Int16(delta)
            } else {
                let raw = try readVarint()
                id = Int16(truncatingIfNeeded: Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
            }
            lastID = id
            switch typeCode {
            case 1: result.fields[id] = .bool(true)
            case 2: result.fields[id] = .bool(false)
            default: result.fields[id] = try readValue(typeCode, depth: depth)
            }
        }
    }

    private mutating func readValue(_ typeCode: UInt8, depth: Int) throws -> ThriftValue {
        guard depth < maxDepth else { throw ThriftDecodingError.tooDeep }
        switch typeCode {
        case 1, 2: return .bool(try readByte() == 1)
        case 3: return .int(Int64(Int8(bitPattern: try readByte())))
        case 4, 5, 6:
            let raw = try readVarint()
            return .int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
        case 7:
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(try readByte()) << UInt64(8 * i) }
            return .double(Double(bitPattern: bits))
        case 8:
            let count = try readSize()
            defer { offset += count }
            return .binary(Array(bytes[offset..<offset + count]))
        case 9, 10:
            let header = try readByte()
            let elementType = header & 0x0F
            var count = Int(header >> 4)
            if count == 15 { count = try readCount() }
            var items: [ThriftValue] = []
            items.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                items.append(try readElement(elementType, depth: depth + 1))
            }
            return .list(items)
        case 11:
            let count = try readCount()
            guard count > 0 else { return .map([]) }
            let types = try readByte()
            var pairs: [(ThriftValue, ThriftValue)] = []
            for _ in 0..<count {
                let key = try readElement(types >> 4, depth: depth + 1)
                pairs.append((key, try readElement(types & 0x0F, depth: depth + 1)))
            }
            return .map(pairs)
        case 12: return .structure(try readStruct(depth: depth + 1))
        default: throw ThriftDecodingError.invalidType(code: typeCode, offset: offset)
        }
    }

    private mutating func readElement(_ typeCode: UInt8, depth: Int) throws -> ThriftValue {
        typeCode == 12 ? .structure(try readStruct(depth: depth)) : try readValue(typeCode, depth: depth)
    }

    private mutating func readByte() throws -> UInt8 {
        guard offset < bytes.count else { throw ThriftDecodingError.unexpectedEnd(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            let byte = try readByte()
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return result }
        }
        throw ThriftDecodingError.invalidLength(offset: offset)
    }

    /// A byte length: must fit in what is left of the input.
    private mutating func readSize() throws -> Int {
        let start = offset
        let raw = try readVarint()
        guard raw <= UInt64(bytes.count - offset) else { throw ThriftDecodingError.invalidLength(offset: start) }
        return Int(raw)
    }

    /// An element count: every element takes at least one byte, so it cannot exceed what is left.
    private mutating func readCount() throws -> Int { try readSize() }
}
