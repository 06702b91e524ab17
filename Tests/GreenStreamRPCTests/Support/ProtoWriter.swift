/// Hand-written protobuf encoding, for bytes that the codec itself would never
/// produce (unknown enum numbers, bad UTF-8, mismatched columns, unknown fields).
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func uint(_ field: Int, _ value: UInt64) {
        varint(UInt64(field << 3))
        varint(value)
    }

    mutating func raw(_ field: Int, _ payload: [UInt8]) {
        varint(UInt64(field << 3 | 2))
        varint(UInt64(payload.count))
        bytes += payload
    }

    mutating func string(_ field: Int, _ text: String) { raw(field, Array(text.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        raw(field, inner.bytes)
    }

    mutating func packedVarints(_ field: Int, _ values: [UInt64]) {
        var inner = ProtoWriter()
        values.forEach { inner.varint($0) }
        raw(field, inner.bytes)
    }

    /// A request envelope: a valid header plus whatever `body` writes.
    static func request(
        token: String = "t0ken", clientID: [UInt8] = Array("test".utf8), _ body: (inout ProtoWriter) -> Void
    ) -> [UInt8] {
        var w = ProtoWriter()
        w.message(1) { h in
            h.string(1, "req-1")
            h.string(2, token)
            h.uint(3, 1)
            h.raw(4, clientID)
        }
        body(&w)
        return w.bytes
    }
}
