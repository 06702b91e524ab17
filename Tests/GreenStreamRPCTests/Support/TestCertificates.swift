import Foundation
import GreenStreamTesting
import NNG
import Synchronization

/// A CA, a server certificate for 127.0.0.1/localhost and a client certificate,
/// made with `openssl` once per test process in a temporary directory.
struct TestCertificates: Sendable {
    let caCert: String
    let serverCert: String
    let serverKey: String
    let clientCert: String
    let clientKey: String

    private static let cached = Mutex<Result<TestCertificates, any Error>?>(nil)

    static func shared() throws -> TestCertificates {
        try cached.withLock { cache in
            if cache == nil { cache = Result { try make() } }
            return try cache!.get()
        }
    }

    private static func make() throws -> TestCertificates {
        let tmp = FileManager.default.temporaryDirectory
        // Remove the directories of earlier test processes that have exited.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
        where name.hasPrefix("gs-rpc-certs-") {
            if let pid = Int32(name.dropFirst("gs-rpc-certs-".count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
        let dir = tmp.appendingPathComponent("gs-rpc-certs-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func path(_ name: String) -> String { "\(dir)/\(name)" }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n".write(
            toFile: path("client.ext"), atomically: true, encoding: .utf8)
        try openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.crt"), "-days",
            "2", "-subj", "/CN=greenstream-test-ca",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        for (name, cn) in [("server", "127.0.0.1"), ("client", "greenstream-test-worker")] {
            try openssl(
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).csr"),
                "-subj", "/CN=\(cn)")
            try openssl(
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-out", path("\(name).crt"),
                "-days", "2", "-extfile", path("\(name).ext"))
        }
        return TestCertificates(
            caCert: path("ca.crt"), serverCert: path("server.crt"), serverKey: path("server.key"),
            clientCert: path("client.crt"), clientKey: path("client.key"))
    }

    private static func openssl(_ arguments: String...) throws {
        let result = try ChildProcess.run("openssl", arguments)
        guard result.status == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")) failed: \(result.stderrText)")
        }
    }
}
