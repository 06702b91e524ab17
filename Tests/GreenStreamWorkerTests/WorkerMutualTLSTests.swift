import Foundation
import GreenStreamRPC
import GreenStreamTesting
import Logging
import NNG
import Testing

@testable import GreenStreamWorker

#if canImport(Glibc)
    import Glibc
#endif

/// `greenstream worker --tls-cert/--tls-key` against a coordinator stand-in that requires client
/// certificates (the multi-host cluster's --tls mode), certificates from cluster/make-certs.sh.
@Suite struct WorkerMutualTLSTests {
    @Test("R-R-3 greenstream worker with a client certificate registers over tls+tcp:// with mutual TLS")
    func registersWithClientCertificate() async throws {
        let certs = try ClusterCertificates.make(clients: ["worker-1"])
        defer { certs.remove() }
        let coordinator = StandInCoordinator()
        var options = RPCServerOptions(clusterToken: testToken)
        options.transport.tls = .mutualServer(
            certificateFile: certs.coordinatorCert, privateKeyFile: certs.coordinatorKey, caFile: certs.caCert)
        let server = try RPCServer(
            listeningOn: "tls+tcp://127.0.0.1:0", options: options, service: coordinator,
            logger: Logger(label: "server") { _ in SwiftLogNoOpLogHandler() })
        defer { server.close() }
        let binary = try ChildProcess.greenstreamBinary()
        let run = Task {
            await OffPoolThread.runForTests {
                try ChildProcess.run(
                    binary,
                    [
                        "worker", "--worker-id", "mtls-\(getpid())", "--tls-cert", certs.clientCert("worker-1"),
                        "--tls-key", certs.clientKey("worker-1"),
                    ],
                    environment: [
                        "GS_COORDINATOR": server.url, "GS_TOKEN": testToken, "GS_TOKEN_FILE": "",
                        "GS_TLS_CA": certs.caCert, "GS_TLS_CERT": "", "GS_TLS_KEY": "",
                    ])
            }
        }
        let registration = try await coordinator.registrations.next("the registration over mutual TLS")
        #expect(registration.workerID == "mtls-\(getpid())")
        // The worker process is the only child named so: stop it by its id's pid (the test's own pid
        // is in the name, not the worker's), found through /proc.
        let pid = try #require(Self.pid(ofArgument: "mtls-\(getpid())"))
        #expect(kill(pid, SIGTERM) == 0)
        let result = try await run.value.get()
        #expect(result.status == 0, "\(result.stderrText.suffix(600))")
    }

    @Test("a worker --tls-key without --tls-cert is refused at start")
    func keyWithoutCertificate() {
        let config = WorkerConfiguration(
            coordinator: "tls+tcp://127.0.0.1:1", token: "t", tlsCAFile: "/ca.crt", tlsKeyFile: "/k.key")
        #expect(throws: WorkerConfigurationError.self) { try config.validate() }
    }

    /// The pid of the live process whose command line holds `argument`.
    static func pid(ofArgument argument: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry), pid != getpid(),
                let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { continue }
            let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if words.contains(argument) && words.contains("worker") { return pid }
        }
        return nil
    }
}
