import Foundation
import GreenStreamRPC
import Logging
import NNG
import GreenStreamTesting

/// The transports every end-to-end test runs over.
enum Endpoint: String, CaseIterable, CustomStringConvertible, Sendable {
    case ipc, tcp, tls

    var description: String { rawValue }

    /// A listen URL unique to one test.
    func listenURL() -> String {
        switch self {
        case .ipc: "ipc:///tmp/gs-rpc-test-\(getpid())-\(RPCClient.newRequestID().prefix(12)).ipc"
        case .tcp: "tcp://127.0.0.1:0"
        case .tls: "tls+tcp://127.0.0.1:0"
        }
    }
}

let testToken = "t0ken"

/// A real RPCServer with a TestService, and helpers to connect clients to it.
struct Harness {
    let server: RPCServer
    let service: TestService
    let endpoint: Endpoint
    let certificates: TestCertificates?
    /// Everything the server logged.
    let logs = Shared([String]())

    init(
        _ endpoint: Endpoint, url: String? = nil, options: RPCServerOptions? = nil, mutualTLS: Bool = false,
        service: TestService = TestService()
    ) throws {
        self.endpoint = endpoint
        self.service = service
        var options = options ?? RPCServerOptions(clusterToken: testToken)
        certificates = endpoint == .tls ? try TestCertificates.shared() : nil
        if let certificates {
            options.transport.tls =
                mutualTLS
                ? .mutualServer(
                    certificateFile: certificates.serverCert, privateKeyFile: certificates.serverKey,
                    caFile: certificates.caCert)
                : TLSConfiguration(
                    certificateFile: certificates.serverCert, privateKeyFile: certificates.serverKey,
                    peerVerification: .none)
        }
        server = try RPCServer(
            listeningOn: url ?? endpoint.listenURL(), options: options, service: service,
            logger: CapturedLogs.logger(into: logs))
    }

    /// A client of this server; TLS clients trust the test CA and, by default, present a client certificate.
    func client(
        token: String = testToken, clientID: String = "test", clientCertificate: Bool = true,
        timeout: Duration = .seconds(20),
        resend: Duration? = .seconds(5),
        maxRequestBytes: Int = ReplyServerOptions.defaultMaxMessageBytes
    ) throws -> RPCClient {
        var transport = RequestClientOptions(
            reconnectMinimum: .milliseconds(20), reconnectMaximum: .milliseconds(200), resendInterval: resend,
            timeout: timeout)
        if let certificates {
            transport.tls =
                clientCertificate
                ? TLSConfiguration(
                    certificateFile: certificates.clientCert, privateKeyFile: certificates.clientKey,
                    caFile: certificates.caCert, peerVerification: .required)
                : TLSConfiguration(caFile: certificates.caCert, peerVerification: .required)
        }
        return try RPCClient(
            dialing: server.url, clusterToken: token, clientID: clientID,
            options: RPCClientOptions(transport: transport, maxRequestBytes: maxRequestBytes))
    }

    /// A raw NNG client, for sending bytes the codec would never produce.
    func rawClient(resend: Duration? = nil, timeout: Duration = .seconds(5)) throws -> RequestClient {
        try RequestClient(
            dialing: server.url,
            options: RequestClientOptions(
                reconnectMinimum: .milliseconds(20), reconnectMaximum: .milliseconds(200), resendInterval: resend,
                timeout: timeout))
    }
}

/// Waits until `condition` holds, polling; fails the caller by throwing after `limit`.
func eventually(_ what: String, limit: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
