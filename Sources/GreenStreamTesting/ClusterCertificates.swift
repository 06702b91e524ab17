import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Certificates made by the project's own `cluster/make-certs.sh` (a CA, a coordinator certificate for
/// 127.0.0.1/localhost, client certificates), so tests of mutual TLS also exercise the script operators run.
public struct ClusterCertificates: Sendable {
    public let directory: String
    public var caCert: String { directory + "/ca.crt" }
    public var coordinatorCert: String { directory + "/coordinator.crt" }
    public var coordinatorKey: String { directory + "/coordinator.key" }
    public func clientCert(_ name: String) -> String { directory + "/client-\(name).crt" }
    public func clientKey(_ name: String) -> String { directory + "/client-\(name).key" }

    /// Runs `cluster/make-certs.sh` into a new temporary directory.
    /// - Parameter clients: the client certificates to make.
    public static func make(clients: [String]) throws -> ClusterCertificates {
        let directory = NSTemporaryDirectory() + "gs-certs-\(getpid())-\(UUID().uuidString.prefix(8))"
        let script = repositoryRoot.appendingPathComponent("cluster/make-certs.sh").path
        let arguments = [directory, "--coordinator", "127.0.0.1", "--coordinator", "localhost"]
            + clients.flatMap { ["--client", $0] }
        let result = try ChildProcess.run(script, arguments)
        guard result.status == 0 else {
            throw ChildProcessError("make-certs.sh failed (\(result.status)): \(result.stderrText)")
        }
        return ClusterCertificates(directory: directory)
    }

    /// Deletes the directory.
    public func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The package's root: this file is Sources/GreenStreamTesting/ClusterCertificates.swift.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
