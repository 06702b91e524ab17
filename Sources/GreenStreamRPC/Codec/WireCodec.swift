import CProtobufC
import GreenStreamCore
import GreenStreamProto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Converts between the Swift model (``RPCRequest``, ``RPCReply``) and packed
/// protobuf bytes, through protobuf-c's generated structs.
///
/// This type (this file and its `WireCodec+Worker`/`WireCodec+Admin` extensions) is
/// the only code that touches the C structs. Encoding builds a tree in a ``CArena``
/// and packs it; decoding unpacks, copies everything into Swift values, validates
/// (UTF-8, enum numbers, list sizes, column lengths) and frees the tree before
/// returning, so no C pointer escapes.
public struct WireCodec: Sendable {
    /// Bounds on decoded lists.
    public var limits: WireLimits

    /// - Parameter limits: bounds on decoded repeated fields.
    public init(limits: WireLimits = .init()) {
        self.limits = limits
    }

    // MARK: Envelope

    /// Packs a request.
    /// - Throws: ``WireError/embeddedNUL(field:)`` for a string protobuf-c cannot carry.
    public func encode(_ request: RPCRequest) throws -> [UInt8] {
        let arena = CArena()
        var m = Greenstream__V1__Request()
        greenstream__v1__request__init(&m)
        let header: UnsafeMutablePointer<Greenstream__V1__RequestHeader> = arena.message(
            greenstream__v1__request_header__init)
        header.pointee.request_id = try arena.string(request.header.requestID, field: "header.request_id")
        header.pointee.cluster_token = try arena.string(request.header.clusterToken, field: "header.cluster_token")
        header.pointee.protocol_version = request.header.protocolVersion
        header.pointee.client_id = try arena.string(request.header.clientID, field: "header.client_id")
        m.header = header
        try encodeBody(request.body, into: &m, arena)
        return Self.pack(&m, greenstream__v1__request__get_packed_size, greenstream__v1__request__pack)
    }

    /// Unpacks and validates a request.
    /// - Throws: ``WireError`` for malformed bytes, a missing header or body, invalid
    ///   UTF-8, unknown enum values, oversized lists or mismatched columns.
    public func decodeRequest(_ bytes: [UInt8]) throws -> RPCRequest {
        try bytes.withUnsafeBytes { try decodeRequest($0) }
    }

    /// ``decodeRequest(_:)-([UInt8])`` straight from a received buffer, without copying it.
    public func decodeRequest(_ bytes: UnsafeRawBufferPointer) throws -> RPCRequest {
        let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard let m = greenstream__v1__request__unpack(nil, bytes.count, data) else {
            throw WireError.malformed(message: "request: not a greenstream.v1.Request")
        }
        defer { greenstream__v1__request__free_unpacked(m, nil) }
        let h = try required(m.pointee.header, "header")
        let header = RequestHeader(
            requestID: try text(h.pointee.request_id, "header.request_id"),
            clusterToken: try text(h.pointee.cluster_token, "header.cluster_token"),
            protocolVersion: h.pointee.protocol_version,
            clientID: try text(h.pointee.client_id, "header.client_id"))
        return RPCRequest(header: header, body: try decodeBody(m.pointee))
    }

    /// The request id of a request that may be otherwise invalid, so an error reply
    /// can still name it; `nil` when the header cannot be read. Reads only the header
    /// (``decodeHeader(_:)-(UnsafeRawBufferPointer)``), never the body.
    public func peekRequestID(_ bytes: [UInt8]) -> String? {
        (try? decodeHeader(bytes))?.requestID
    }

    /// Packs a reply.
    public func encode(_ reply: RPCReply) throws -> [UInt8] {
        let arena = CArena()
        var m = Greenstream__V1__Reply()
        greenstream__v1__reply__init(&m)
        m.request_id = try arena.string(reply.requestID, field: "request_id")
        m.protocol_version = reply.protocolVersion
        try encodeBody(reply.body, into: &m, arena)
        return Self.pack(&m, greenstream__v1__reply__get_packed_size, greenstream__v1__reply__pack)
    }

    /// Unpacks and validates a reply.
    /// - Throws: ``WireError`` as for ``decodeRequest(_:)``.
    public func decodeReply(_ bytes: [UInt8]) throws -> RPCReply {
        try bytes.withUnsafeBufferPointer { buf in
            guard let m = greenstream__v1__reply__unpack(nil, buf.count, buf.baseAddress) else {
                throw WireError.malformed(message: "reply: not a greenstream.v1.Reply")
            }
            defer { greenstream__v1__reply__free_unpacked(m, nil) }
            return RPCReply(
                requestID: try text(m.pointee.request_id, "request_id"), protocolVersion: m.pointee.protocol_version,
                body: try decodeBody(m.pointee))
        }
    }

    private static func pack<T>(
        _ m: inout T, _ size: (UnsafePointer<T>?) -> Int,
        _ pack: (UnsafePointer<T>?, UnsafeMutablePointer<UInt8>?) -> Int
    ) -> [UInt8] {
        let n = size(&m)
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            count = pack(&m, buffer.baseAddress)
            precondition(count == n, "protobuf-c packed \(count) bytes, sized \(n)")
        }
    }

    // MARK: Decoding helpers shared by the extensions

    func text(_ p: UnsafeMutablePointer<CChar>?, _ field: String) throws -> String {
        guard let p else { return "" }
        guard let s = String(validatingCString: p) else { throw WireError.invalidUTF8(field: field) }
        return s
    }

    /// A wire count (`uint64`) as the model's `Int`; above `Int.max` is an error naming the field.
    func count(_ value: UInt64, _ field: String) throws -> Int {
        guard let n = Int(exactly: value) else { throw WireError.valueOutOfRange(field: field, value: "\(value)") }
        return n
    }

    /// A model count for a `uint64` field; a negative count is an error naming the field.
    func wireCount(_ value: Int, _ field: String) throws -> UInt64 {
        guard let n = UInt64(exactly: value) else { throw WireError.valueOutOfRange(field: field, value: "\(value)") }
        return n
    }

    func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        guard b.len > 0, let data = b.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: b.len))
    }

    func required<T>(_ p: UnsafeMutablePointer<T>?, _ field: String) throws -> UnsafeMutablePointer<T> {
        guard let p else { throw WireError.missingField(field) }
        return p
    }

    func list<T, U>(_ n: Int, _ p: UnsafeMutablePointer<T>?, limit: Int, _ field: String, _ transform: (T) throws -> U)
        throws -> [U]
    {
        guard n <= limit else { throw WireError.tooManyElements(field: field, count: n, limit: limit) }
        guard n > 0, let p else { return [] }
        var out: [U] = []
        out.reserveCapacity(n)
        for i in 0..<n { out.append(try transform(p[i])) }
        return out
    }

    func messageList<T, U>(
        _ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<T>?>?, limit: Int, _ field: String,
        _ transform: (UnsafeMutablePointer<T>) throws -> U
    ) throws -> [U] {
        try list(n, p, limit: limit, field) { item in try transform(try required(item, field)) }
    }

    /// A model enum whose raw values are the wire numbers; 0 (UNSPECIFIED) is an error.
    func enumValue<E: RawRepresentable, W: RawRepresentable>(_ wire: W, _ field: String) throws -> E
    where E.RawValue == Int32, W.RawValue: BinaryInteger {
        let raw = Int32(truncatingIfNeeded: wire.rawValue)
        guard let value = E(rawValue: raw) else { throw WireError.unknownEnumValue(field: field, value: Int64(raw)) }
        return value
    }

    /// As ``enumValue(_:_:)`` but 0 (UNSPECIFIED) means `nil`.
    func optionalEnumValue<E: RawRepresentable, W: RawRepresentable>(_ wire: W, _ field: String) throws -> E?
    where E.RawValue == Int32, W.RawValue: BinaryInteger {
        Int32(truncatingIfNeeded: wire.rawValue) == 0 ? nil : try enumValue(wire, field) as E
    }

    func wire<E: RawRepresentable, W: RawRepresentable>(_ value: E?) -> W
    where E.RawValue == Int32, W.RawValue: BinaryInteger {
        W(rawValue: W.RawValue(truncatingIfNeeded: value?.rawValue ?? 0))!
    }
}
