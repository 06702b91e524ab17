import GreenStreamRPC
import NNG
import Testing

@Suite("Remembered replies belong to one client (R-R-2)")
struct ClientIsolationTests {
    static func ingest(_ size: Int) -> RPCRequest.Body {
        .ingestFile(IngestFileRequest(fileName: "f.csv", content: [UInt8](repeating: 1, count: size)))
    }

    static func jobID(_ reply: RPCReply.Body) -> Int64? {
        guard case .ingestFile(let r) = reply else { return nil }
        return r.jobID
    }

    @Test("Two clients using one request id get their own replies; a resend from a new connection gets its own")
    func sameRequestIDFromTwoClients() async throws {
        let harness = try Harness(.tcp)
        defer { harness.server.close() }
        let a = try harness.client(clientID: "worker-a")
        defer { a.close() }
        let b = try harness.client(clientID: "worker-b")
        defer { b.close() }
        // The test service answers ingest_file with the content's size, so each reply shows whose request it answers.
        #expect(Self.jobID(try await a.call(Self.ingest(3), requestID: "same-id")) == 3)
        #expect(Self.jobID(try await b.call(Self.ingest(5), requestID: "same-id")) == 5)
        #expect(harness.service.count("ingest_file") == 2)

        // worker-a reconnects (a new socket, so a new NNG pipe) and resends: it gets its remembered reply.
        let again = try harness.client(clientID: "worker-a")
        defer { again.close() }
        #expect(Self.jobID(try await again.call(Self.ingest(3), requestID: "same-id")) == 3)
        #expect(harness.service.count("ingest_file") == 2, "the resend was answered from the cache")

        // Clients without a client id are told apart by their connection.
        let x = try harness.client(clientID: "")
        defer { x.close() }
        let y = try harness.client(clientID: "")
        defer { y.close() }
        #expect(Self.jobID(try await x.call(Self.ingest(7), requestID: "anonymous-id")) == 7)
        #expect(Self.jobID(try await y.call(Self.ingest(9), requestID: "anonymous-id")) == 9)
        #expect(Self.jobID(try await x.call(Self.ingest(7), requestID: "anonymous-id")) == 7)
        #expect(harness.service.count("ingest_file") == 4)
    }

    @Test("An RPCClient without an explicit client id gets a unique one")
    func defaultClientIDsAreUnique() throws {
        let harness = try Harness(.ipc)
        defer { harness.server.close() }
        let one = try RPCClient(dialing: harness.server.url, clusterToken: testToken)
        defer { one.close() }
        let two = try RPCClient(dialing: harness.server.url, clusterToken: testToken)
        defer { two.close() }
        #expect(one.clientID.hasPrefix("client-") && one.clientID != two.clientID)
    }
}
