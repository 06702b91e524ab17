import NNG
import Testing

@testable import GreenStreamRPC

@Suite("The header is checked before the body is decoded (R-R-3, R-R-4)")
struct AuthBeforeDecodeTests {
    /// `Request{header, ingest_file{file_name, content}}` with `content` bytes of content,
    /// optionally followed inside `ingest_file` by a field of wire type 7, which no
    /// protobuf has: decoding the body then fails, at its very end.
    static func ingest(token: String, content: Int, brokenAtEnd: Bool) -> [UInt8] {
        ProtoWriter.request(token: token) { w in
            w.message(34) { f in
                f.string(1, "big.csv")
                f.raw(2, [UInt8](repeating: 0x41, count: content))
                if brokenAtEnd { f.varint(3 << 3 | 7) }
            }
        }
    }

    static func error(_ bytes: [UInt8]) throws -> (RPCError?, String) {
        let reply = try WireCodec().decodeReply(bytes)
        guard case .error(let error) = reply.body else { return (nil, reply.requestID) }
        return (error, reply.requestID)
    }

    @Test("R-R-3 R-R-4 a 60 MiB request without the token is refused from its header; its body is never decoded")
    func unauthenticatedHugeRequestIsRefusedUndecoded() async throws {
        let harness = try Harness(.ipc)
        defer { harness.server.close() }
        let raw = try harness.rawClient(timeout: .seconds(60))
        defer { raw.close() }
        let size = 60 << 20

        for (token, why) in [("wrong", "wrong cluster token"), ("", "missing cluster token")] {
            let bytes = Self.ingest(token: token, content: size, brokenAtEnd: true)
            let (error, id) = try Self.error(try await raw.request(bytes))
            // Decoding the body would have answered INVALID_REQUEST (see below).
            #expect(error == RPCError(.unauthenticated, why))
            #expect(id == "req-1")
        }
        #expect(harness.server.bodiesDecoded == 0, "no refused request had its body decoded")
        let refusals = harness.logs.withLock { $0 }.filter { $0.hasPrefix("warning refused request with") }
        #expect(refusals.count == 2 && refusals.allSatisfy { $0.contains("call=ingest_file") })

        // The same bytes with the token: the body is decoded, and it really is malformed.
        let broken = Self.ingest(token: testToken, content: size, brokenAtEnd: true)
        let (error, _) = try Self.error(try await raw.request(broken))
        #expect(error?.code == .invalidRequest)
        #expect(harness.server.bodiesDecoded == 1)

        // A well-formed 60 MiB request with the token still works.
        let wellFormed = Self.ingest(token: testToken, content: size, brokenAtEnd: false)
        let good = try WireCodec().decodeReply(try await raw.request(wellFormed))
        #expect(good.body == .ingestFile(IngestFileReply(jobID: Int64(size), state: .pending)))
        #expect(harness.server.bodiesDecoded == 2)
        #expect(harness.service.totalCalls == 1)
    }

    @Test("R-R-4 a request whose header is not first, too large, or repeated is refused without running")
    func headerMustComeFirstOnceAndSmall() async throws {
        let harness = try Harness(.ipc)
        defer { harness.server.close() }
        let raw = try harness.rawClient()
        defer { raw.close() }

        var bodyFirst = ProtoWriter()
        bodyFirst.message(35) { _ in }
        bodyFirst.message(1) { h in
            h.string(1, "late")
            h.string(2, testToken)
            h.uint(3, 1)
        }
        let (late, lateID) = try Self.error(try await raw.request(bodyFirst.bytes))
        #expect(late?.code == .invalidRequest)
        #expect(late?.message.contains("first field must be the header") == true)
        #expect(lateID == "")

        let bigHeader = ProtoWriter.request(clientID: [UInt8](repeating: 0x63, count: 5000)) { $0.message(35) { _ in } }
        let (big, _) = try Self.error(try await raw.request(bigHeader))
        #expect(big == RPCError(.invalidRequest, "field header has 5019 bytes, limit 4096"))
        #expect(harness.server.bodiesDecoded == 0)

        // protobuf merges a second header into the first; the one authenticated must be the one used.
        var second = ProtoWriter()
        second.message(1) { $0.string(4, "someone-else") }
        let twice = ProtoWriter.request { $0.message(35) { _ in } } + second.bytes
        let (repeated, repeatedID) = try Self.error(try await raw.request(twice))
        #expect(repeated == RPCError(.invalidRequest, "Request.header must appear once, as the first field"))
        #expect(repeatedID == "req-1")
        #expect(harness.service.totalCalls == 0)
    }

    @Test("decodeHeader reads the header alone: bytes after it are never looked at")
    func decodeHeaderIgnoresTheBody() throws {
        let codec = WireCodec()
        var bytes = ProtoWriter.request(token: "k") { _ in }
        bytes += [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07]
        #expect(throws: WireError.self) { try codec.decodeRequest(bytes) }
        #expect(
            try codec.decodeHeader(bytes)
                == RequestHeader(requestID: "req-1", clusterToken: "k", protocolVersion: 1, clientID: "test"))
        #expect(throws: WireError.missingField("header")) { try codec.decodeHeader([]) }
        #expect(throws: WireError.self) { try codec.decodeHeader([0x0a, 0x05, 0x0a]) }  // truncated header
        #expect(throws: WireError.fieldTooLarge(field: "header", size: 1 << 40, limit: 4096)) {
            try codec.decodeHeader([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
        }
    }
}
