import GreenStreamProto

// Reading a request's header without touching its body, so the server can refuse an
// unauthenticated request after examining a few bytes (R-R-3, R-R-4). The wire
// contract (envelope.proto, proto/README.md) requires `Request.header` to be the
// first field on the wire, which every protobuf encoder does by default: fields are
// written in field-number order and the header is field 1.
extension WireCodec {
    /// Decodes only the request's header, the field that must open every request.
    ///
    /// Examines at most the header's tag and length (≤ 15 bytes) and then, if its
    /// length is within ``WireLimits/maxHeaderBytes``, the header itself; the body is
    /// never read. The cost of a request is therefore bounded before its token is
    /// checked, whatever its size.
    /// - Throws: ``WireError/missingField(_:)`` for an empty request,
    ///   ``WireError/malformed(message:)`` when the first field is not the header or
    ///   the header is truncated or unreadable, ``WireError/fieldTooLarge(field:size:limit:)``
    ///   for an oversized header, ``WireError/invalidUTF8(field:)``.
    public func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws -> RequestHeader {
        let range = try Self.headerRange(in: bytes, limit: limits.maxHeaderBytes)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        let data = slice.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard let h = greenstream__v1__request_header__unpack(nil, slice.count, data) else {
            throw WireError.malformed(message: "request header: not a greenstream.v1.RequestHeader")
        }
        defer { greenstream__v1__request_header__free_unpacked(h, nil) }
        return RequestHeader(
            requestID: try text(h.pointee.request_id, "header.request_id"),
            clusterToken: try text(h.pointee.cluster_token, "header.cluster_token"),
            protocolVersion: h.pointee.protocol_version,
            clientID: try text(h.pointee.client_id, "header.client_id"))
    }

    /// ``decodeHeader(_:)-(UnsafeRawBufferPointer)`` for an array.
    public func decodeHeader(_ bytes: [UInt8]) throws -> RequestHeader {
        try bytes.withUnsafeBytes { try decodeHeader($0) }
    }

    /// The proto name of the call a request makes (`"ingest_file"`), read from the tag
    /// that follows the header without decoding the body: for log lines about requests
    /// refused before their body is read. `"none"` when nothing follows the header,
    /// `"field N"` for a field this version does not know, `"unreadable"` otherwise.
    public func callName(_ bytes: UnsafeRawBufferPointer) -> String {
        guard let header = try? Self.headerRange(in: bytes, limit: limits.maxHeaderBytes) else { return "unreadable" }
        var i = header.upperBound
        guard i < bytes.count else { return "none" }
        guard let tag = Self.varint(bytes, &i, maxBytes: 5) else { return "unreadable" }
        let field = Int(tag >> 3)
        return RPCRequest.Body.name(ofField: field) ?? "field \(field)"
    }

    /// Where the header's bytes lie: after the first tag (field 1, length-delimited) and
    /// its length.
    static func headerRange(in bytes: UnsafeRawBufferPointer, limit: Int) throws -> Range<Int> {
        guard !bytes.isEmpty else { throw WireError.missingField("header") }
        var i = 0
        guard let tag = varint(bytes, &i, maxBytes: 5) else {
            throw WireError.malformed(message: "request: unreadable first field tag")
        }
        guard tag == 1 << 3 | 2 else {
            throw WireError.malformed(
                message: "request: the first field must be the header (field 1, length-delimited), "
                    + "found field \(tag >> 3) wire type \(tag & 7)")
        }
        guard let length = varint(bytes, &i, maxBytes: 10) else {
            throw WireError.malformed(message: "request header: unreadable length")
        }
        guard length <= UInt64(limit) else {
            throw WireError.fieldTooLarge(field: "header", size: length, limit: limit)
        }
        guard Int(length) <= bytes.count - i else {
            throw WireError.malformed(message: "request header: \(length) bytes announced, \(bytes.count - i) present")
        }
        return i..<(i + Int(length))
    }

    /// A base-128 varint of at most `maxBytes` bytes at `i`, or `nil` when it runs past
    /// the end or longer than `maxBytes`.
    static func varint(_ bytes: UnsafeRawBufferPointer, _ i: inout Int, maxBytes: Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<maxBytes {
            guard i < bytes.count else { return nil }
            let byte = bytes[i]
            i += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}
