// PLAIN encoding (parquet-format Encodings.md, "Plain: (PLAIN = 0)"):
//   INT32 4 bytes LE, INT64 8 bytes LE, DOUBLE 8 bytes IEEE LE, back to back;
//   BOOLEAN bit-packed, 1 bit per value, LSB first, last byte zero-padded;
//   BYTE_ARRAY a 4-byte LE length, then the bytes.

#if _endian(big)
    #error("PlainEncoder copies memory as little-endian; big-endian hosts need byte swapping")
#endif

/// A fixed-width value Parquet stores PLAIN as its little-endian bytes.
public protocol ParquetFixedWidthValue: Sendable, Equatable {
    /// The physical column type.
    static var physicalType: PhysicalType { get }
    /// The value's bits, used as an exact dictionary key (distinguishes -0.0 from 0.0 and NaN payloads).
    var dictionaryKey: UInt64 { get }
}

extension Int32: ParquetFixedWidthValue {
    public static var physicalType: PhysicalType { .int32 }
    public var dictionaryKey: UInt64 { UInt64(UInt32(bitPattern: self)) }
}

extension Int64: ParquetFixedWidthValue {
    public static var physicalType: PhysicalType { .int64 }
    public var dictionaryKey: UInt64 { UInt64(bitPattern: self) }
}

extension Double: ParquetFixedWidthValue {
    public static var physicalType: PhysicalType { .double }
    public var dictionaryKey: UInt64 { bitPattern }
}

/// PLAIN encoders appending to a byte buffer.
public enum PlainEncoder {
    /// Appends fixed-width values as their little-endian bytes.
    public static func append<T: ParquetFixedWidthValue>(_ values: UnsafeBufferPointer<T>, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(values))
    }

    /// Appends booleans bit-packed, LSB first, the last byte zero-padded.
    public static func append(_ values: UnsafeBufferPointer<Bool>, to out: inout [UInt8]) {
        var i = 0
        let n = values.count
        while i + 8 <= n {
            var byte: UInt8 = 0
            for bit in 0..<8 where values[i + bit] { byte |= 1 << UInt8(bit) }
            out.append(byte)
            i += 8
        }
        if i < n {
            var byte: UInt8 = 0
            for bit in 0..<(n - i) where values[i + bit] { byte |= 1 << UInt8(bit) }
            out.append(byte)
        }
    }

    /// Appends byte arrays, each as a 4-byte LE length followed by its bytes.
    /// - Throws: ``ParquetError/valueTooLarge(_:)`` for a value of 2 GiB or more.
    public static func append(_ values: some Collection<[UInt8]>, to out: inout [UInt8]) throws {
        for value in values {
            try appendLength(value.count, to: &out)
            out.append(contentsOf: value)
        }
    }

    /// Appends one 4-byte LE length prefix.
    static func appendLength(_ count: Int, to out: inout [UInt8]) throws {
        guard count <= Int(Int32.max) else { throw ParquetError.valueTooLarge("byte array of \(count) bytes") }
        let length = UInt32(count)
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 24))
    }
}
