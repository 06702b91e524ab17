// Thrift compact protocol, encoder side (apache/thrift doc/specs/thrift-compact-protocol.md).
//
//   field header  short: (delta << 4) | type, delta = id - last id in 1...15
//                 long:  type, then the id as a zigzag varint
//   i16/i32/i64   zigzag, then ULEB128;  i8: one raw byte;  double: 8 bytes little-endian
//   binary        varint length, then the bytes
//   list          (size << 4) | elemType when size <= 14, else 0xF0 | elemType, then varint size
//   bool field    no value byte: the field type is 1 (true) or 2 (false)
//   struct        fields in ascending id order, then a stop byte 0x00
//
// Parquet needs only this subset; maps and sets never appear in its metadata.

/// Compact-protocol type codes as they appear in field headers and list headers.
public enum ThriftCompactType: UInt8, Sendable {
    case boolTrue = 1
    case boolFalse = 2
    case i8 = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
}

/// Appends Thrift compact-protocol bytes to a buffer.
///
/// Call contract: inside a struct, write fields in ascending id order; every
/// ``beginStruct(_:)`` or ``beginStructElement()`` is closed by ``endStruct()``.
public struct ThriftCompactWriter: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var savedFieldIDs: [Int16] = []

    /// Creates an empty writer.
    public init() {}

    // MARK: - Fields

    /// Writes an i8 field (a raw byte, no zigzag).
    public mutating func writeI8(_ id: Int16, _ value: Int8) {
        writeFieldHeader(id, .i8)
        bytes.append(UInt8(bitPattern: value))
    }

    /// Writes an i16 field.
    public mutating func writeI16(_ id: Int16, _ value: Int16) {
        writeFieldHeader(id, .i16)
        writeVarint(UInt64(UInt16(bitPattern: (value << 1) ^ (value >> 15))))
    }

    /// Writes an i32 field (Thrift enums are i32 too).
    public mutating func writeI32(_ id: Int16, _ value: Int32) {
        writeFieldHeader(id, .i32)
        writeZigZag32(value)
    }

    /// Writes an i64 field.
    public mutating func writeI64(_ id: Int16, _ value: Int64) {
        writeFieldHeader(id, .i64)
        writeZigZag64(value)
    }

    /// Writes a double field, 8 bytes little-endian.
    public mutating func writeDouble(_ id: Int16, _ value: Double) {
        writeFieldHeader(id, .double)
        appendLittleEndian(value.bitPattern)
    }

    /// Writes a bool field; the value lives in the field header's type nibble.
    public mutating func writeBool(_ id: Int16, _ value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    /// Writes a binary field.
    public mutating func writeBinary(_ id: Int16, _ value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinaryValue(value)
    }

    /// Writes a string field as UTF-8 binary.
    public mutating func writeString(_ id: Int16, _ value: String) {
        writeBinary(id, Array(value.utf8))
    }

    /// Opens a nested struct field; close it with ``endStruct()``.
    public mutating func beginStruct(_ id: Int16) {
        writeFieldHeader(id, .structure)
        beginStructElement()
    }

    /// Opens a struct that is a list element (no field header); close it with ``endStruct()``.
    public mutating func beginStructElement() {
        savedFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Writes the stop byte and returns to the enclosing struct's field numbering.
    public mutating func endStruct() {
        bytes.append(0)
        lastFieldID = savedFieldIDs.popLast() ?? 0
    }

    /// Writes a list field header; the caller then writes `count` elements.
    public mutating func beginList(_ id: Int16, elementType: ThriftCompactType, count: Int) {
        writeFieldHeader(id, .list)
        writeListHeader(elementType: elementType, count: count)
    }

    // MARK: - Raw values (list elements, top level)

    /// Writes a list header without a field header.
    public mutating func writeListHeader(elementType: ThriftCompactType, count: Int) {
        precondition(count >= 0, "negative list size")
        if count <= 14 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    /// Writes a zigzag varint i32 list element.
    public mutating func writeZigZag32(_ value: Int32) {
        writeVarint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    /// Writes a zigzag varint i64 list element.
    public mutating func writeZigZag64(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes a length-prefixed binary list element.
    public mutating func writeBinaryValue(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes an unsigned LEB128 varint.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func appendLittleEndian(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private mutating func writeFieldHeader(_ id: Int16, _ type: ThriftCompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(UInt64(UInt16(bitPattern: (id << 1) ^ (id >> 15))))
        }
        lastFieldID = id
    }
}
