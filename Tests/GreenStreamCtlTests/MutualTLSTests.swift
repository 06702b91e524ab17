import Foundation
import GreenStreamRPC
import GreenStreamTesting
import Logging
import NNG
import Testing

/// gsctl against a coordinator that requires client certificates (mutual TLS, docs/MULTIHOST.md),
/// with certificates from cluster/make-certs.sh.
@Suite struct MutualTLSTests {
    @Test("R-R-3 gsctl --tls-cert/--tls-key: answered by a mutual-TLS server; without a client certificate: refused")
    func clientCertificate() async throws {
        let certs = try ClusterCertificates.make(clients: ["gsctl"])
        defer { certs.remove() }
        var options = RPCServerOptions(clusterToken: stubToken)
        options.transport.tls = .mutualServer(
            certificateFile: certs.coordinatorCert, privateKeyFile: certs.coordinatorKey, caFile: certs.caCert)
        let server = try RPCServer(
            listeningOn: "tls+tcp://127.0.0.1:0", options: options, service: AdminStub(jobCount: 2),
            logger: Logger(label: "stub") { _ in SwiftLogNoOpLogHandler() })
        defer { server.close() }
        let environment = [
            "GS_COORDINATOR": server.url, "GS_TOKEN": stubToken, "GS_TOKEN_FILE": "", "GS_TLS_CA": certs.caCert,
            "GS_TLS_CERT": "", "GS_TLS_KEY": "",
        ]
        let gsctl = try ChildProcess.builtBinary("gsctl")

        // Off the task pool: the server answers on it (ChildProcess.runOffPool says why).
        let withCert = try await ChildProcess.runOffPool(
            gsctl,
            ["jobs", "list", "--json", "--tls-cert", certs.clientCert("gsctl"), "--tls-key", certs.clientKey("gsctl")],
            environment: environment)
        #expect(withCert.status == 0, "\(withCert.stderrText)")
        let jobs = try JSONSerialization.jsonObject(with: withCert.stdout) as? [[String: Any]]
        #expect(jobs?.count == 2)

        // The same through the environment, as cluster/multihost.sh --tls exports it.
        let fromEnvironment = try await ChildProcess.runOffPool(
            gsctl, ["stats"],
            environment: environment.merging(
                ["GS_TLS_CERT": certs.clientCert("gsctl"), "GS_TLS_KEY": certs.clientKey("gsctl")]) { _, b in b })
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderrText)")

        let withoutCert = try await ChildProcess.runOffPool(gsctl, ["stats", "--timeout", "2"], environment: environment)
        #expect(withoutCert.status == 1)
        #expect(withoutCert.stdoutText.isEmpty)
    }

    @Test("gsctl --tls-key without --tls-cert: a usage error")
    func keyWithoutCertificate() throws {
        let result = try ChildProcess.run(
            try ChildProcess.builtBinary("gsctl"), ["stats", "--tls-key", "/nonexistent.key"],
            environment: ["GS_COORDINATOR": "tcp://127.0.0.1:1", "GS_TOKEN": "t", "GS_TOKEN_FILE": "", "GS_TLS_CERT": ""])
        #expect(result.status == 1)
        #expect(result.stderrText.contains("--tls-key needs --tls-cert"))
    }
}
