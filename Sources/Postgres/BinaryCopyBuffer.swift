/// Builds the rows of a `COPY … FROM STDIN (FORMAT binary)` stream in memory.
///
/// The format (PostgreSQL docs, "COPY – Binary Format"): an 11-byte signature, a 32-bit flags
/// word and a 32-bit header-extension length; then per row a 16-bit field count and, per field,
/// a 32-bit byte length (-1 for NULL) followed by the value in the type's binary send format,
/// all big-endian; then a 16-bit -1 trailer. Values are appended as bytes: no per-row Strings.
public struct BinaryCopyBuffer: Sendable {
    /// The stream so far; complete after ``finish()``.
    public private(set) var bytes: [UInt8]

    /// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's timestamp epoch.
    public static let postgresEpochOffsetMicros: Int64 = 946_684_800_000_000

    private static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    /// Starts a stream with the header written.
    /// - Parameter capacity: bytes to reserve (about 70 per reading row).
    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity + 21)
        bytes.append(contentsOf: Self.signature)
        appendRaw(Int32(0))  // flags: no OIDs
        appendRaw(Int32(0))  // no header extension
    }

    /// Starts a row of `fieldCount` fields.
    public mutating func beginRow(fieldCount: Int16) { appendRaw(fieldCount) }

    public mutating func appendNull() { appendRaw(Int32(-1)) }

    public mutating func appendInt64(_ value: Int64) {
        appendRaw(Int32(8))
        appendRaw(value)
    }

    public mutating func appendInt32(_ value: Int32) {
        appendRaw(Int32(4))
        appendRaw(value)
    }

    public mutating func appendInt16(_ value: Int16) {
        appendRaw(Int32(2))
        appendRaw(value)
    }

    public mutating func appendDouble(_ value: Double) {
        appendRaw(Int32(8))
        appendRaw(value.bitPattern)
    }

    public mutating func appendBool(_ value: Bool) {
        appendRaw(Int32(1))
        bytes.append(value ? 1 : 0)
    }

    /// A `timestamptz` given as microseconds since the Unix epoch.
    public mutating func appendTimestamp(unixMicros: Int64) {
        appendInt64(unixMicros &- Self.postgresEpochOffsetMicros)
    }

    /// A `text` value given as UTF-8 bytes.
    public mutating func appendText(utf8: [UInt8]) {
        appendRaw(Int32(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Writes the trailer. Call once, after the last row.
    public mutating func finish() { appendRaw(Int16(-1)) }

    @inline(__always)
    private mutating func appendRaw<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
