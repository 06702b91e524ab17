import GreenStreamRPC
import NNG
import Testing
import GreenStreamTesting

@Suite("Restarts and hostile input (R-R-4)")
struct RestartAndRobustnessTests {
    @Test("A client reconnects on its own after the server restarts")
    func clientReconnectsAfterRestart() async throws {
        let first = try Harness(.tcp)
        let url = first.server.url
        let client = try first.client()
        defer { client.close() }
        let events = Shared([PipeEvent.Kind]())
        let watcher = Task { for await event in client.pipeEvents { events.withLock { $0.append(event.kind) } } }
        defer { watcher.cancel() }
        #expect(try await client.stats().workersAlive == 1)
        first.server.close()
        try await eventually("the client to see the connection drop") { events.withLock { $0.contains(.removed) } }

        // A call made while the server is down completes once it is back.
        let pending = Task { try await client.showJob(id: 77) }
        try await eventually("the call to be sent while the server is down") { client.callsInFlight == 1 }
        let second = try Harness(.tcp, url: url)
        defer { second.server.close() }
        #expect(try await pending.value.job.jobID == 77)
        #expect(second.service.count("show_job") == 1)
        #expect(events.withLock { $0 }.filter { $0 == .added }.count >= 2)
    }

    @Test("A client created before its server exists dials in the background and connects when it comes up")
    func clientStartedBeforeServer() async throws {
        let probe = try Harness(.tcp)
        let url = probe.server.url
        probe.server.close()
        let transport = RequestClientOptions(reconnectMinimum: .milliseconds(20), reconnectMaximum: .milliseconds(100))
        let client = try RPCClient(dialing: url, clusterToken: testToken, options: RPCClientOptions(transport: transport))
        defer { client.close() }
        let call = Task { try await client.showJob(id: 5) }
        try await eventually("the call to be sent before the server exists") { client.callsInFlight == 1 }
        let harness = try Harness(.tcp, url: url)
        defer { harness.server.close() }
        #expect(try await call.value.job.jobID == 5)
    }

    @Test(
        "R-R-4 garbage, truncated and unknown messages get error replies; the server keeps serving",
        arguments: [Endpoint.tcp, .tls])
    func badMessagesGetErrorReplies(endpoint: Endpoint) async throws {
        let harness = try Harness(endpoint)
        defer { harness.server.close() }
        var options = RequestClientOptions(resendInterval: nil, timeout: .seconds(60))
        if let certs = harness.certificates {
            options.tls = TLSConfiguration(caFile: certs.caCert, peerVerification: .required)
        }
        let raw = try RequestClient(dialing: harness.server.url, options: options)
        defer { raw.close() }
        let codec = WireCodec()
        let valid = try codec.encode(
            RPCRequest(header: RequestHeader(requestID: "v", clusterToken: testToken), body: Fixtures.requests[3]))
        let cases: [([UInt8], RPCError.Code, String)] = [
            ([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff], .invalidRequest, ""),
            // The header comes first and is whole, so the error names the request.
            (Array(valid.prefix(valid.count / 2)), .invalidRequest, "v"),
            ([], .invalidRequest, ""),
            (ProtoWriter.request(token: testToken) { $0.message(99) { _ in } }, .unknownRequest, "req-1"),
            (ProtoWriter.request(token: testToken) { $0.message(30) { $0.uint(1, 99) } }, .invalidRequest, "req-1"),
        ]
        for (bytes, code, id) in cases {
            let reply = try codec.decodeReply(try await raw.request(bytes))
            guard case .error(let error) = reply.body else {
                Issue.record("expected an error reply for \(bytes.prefix(8))")
                continue
            }
            #expect(error.code == code)
            #expect(reply.requestID == id)
        }
        #expect(harness.service.totalCalls == 0)
        let client = try harness.client()
        defer { client.close() }
        #expect(try await client.stats().readingsStored == 10)
    }

    @Test("R-R-4 an oversized request drops only its sender's connection; clients check sizes first")
    func oversizedRequest() async throws {
        let limit = 64 << 10
        let harness = try Harness(
            .tcp,
            options: RPCServerOptions(clusterToken: testToken, transport: ReplyServerOptions(maxMessageBytes: limit)))
        defer { harness.server.close() }
        let raw = try harness.rawClient(resend: nil, timeout: .seconds(2))
        defer { raw.close() }
        await #expect(throws: NngError.self) { try await raw.request([UInt8](repeating: 7, count: limit * 2)) }

        let careful = try harness.client(maxRequestBytes: limit)
        defer { careful.close() }
        await #expect(throws: TransportError.self) {
            try await careful.ingestFile(
                IngestFileRequest(fileName: "big.csv", content: [UInt8](repeating: 1, count: limit * 2)))
        }
        #expect(harness.service.totalCalls == 0)
        #expect(try await careful.ingestFile(IngestFileRequest(fileName: "ok.csv", content: [1, 2])).jobID == 2)
    }

    @Test("A reply above the size limit becomes a MESSAGE_TOO_LARGE error")
    func oversizedReply() async throws {
        let harness = try Harness(.ipc, options: RPCServerOptions(clusterToken: testToken, maxReplyBytes: 2048))
        defer { harness.server.close() }
        let client = try harness.client()
        defer { client.close() }
        #expect(try await client.listJobs(ListJobsRequest(limit: 2, beforeJobID: 100)).jobs.count == 2)
        await #expect(throws: RPCError.self) {
            try await client.listJobs(ListJobsRequest(limit: 500, beforeJobID: 1000))
        }
        do {
            _ = try await client.listJobs(ListJobsRequest(limit: 500, beforeJobID: 1000))
        } catch let error as RPCError {
            #expect(error.code == .messageTooLarge)
        }
    }

    @Test("R-R-3 a mutual-TLS server refuses a client without a certificate")
    func mutualTLSRefusesClientWithoutCertificate() async throws {
        let harness = try Harness(.tls, mutualTLS: true)
        defer { harness.server.close() }
        let withCert = try harness.client()
        defer { withCert.close() }
        #expect(try await withCert.stats().workersAlive == 1)
        let withoutCert = try harness.client(clientCertificate: false, timeout: .seconds(2))
        defer { withoutCert.close() }
        await #expect(throws: NngError.self) { try await withoutCert.stats() }
        #expect(harness.service.count("stats") == 1)
    }

    @Test("R-R-3 a TLS client that does not trust the server's CA never reaches the service")
    func untrustedServerIsRefused() async throws {
        let harness = try Harness(.tls)
        defer { harness.server.close() }
        let certs = try #require(harness.certificates)
        // The client's own certificate is not a CA for the server certificate.
        let options = RPCClientOptions(
            transport: RequestClientOptions(
                reconnectMinimum: .milliseconds(20), timeout: .seconds(2),
                tls: TLSConfiguration(caFile: certs.clientCert, peerVerification: .required)))
        let client = try RPCClient(dialing: harness.server.url, clusterToken: testToken, options: options)
        defer { client.close() }
        await #expect(throws: NngError.self) { try await client.stats() }
        #expect(harness.service.totalCalls == 0)
    }

    @Test("A tls+tcp listener without TLS settings is a clear error")
    func tlsListenerNeedsSettings() {
        #expect(throws: TransportError.tlsConfigurationMissing(url: "tls+tcp://127.0.0.1:0")) {
            try ReplyServer(listeningOn: "tls+tcp://127.0.0.1:0") { _ in [] }
        }
        #expect(throws: NngError.self) { try ReplyServer(listeningOn: "bogus://nowhere") { _ in [] } }
    }
}
