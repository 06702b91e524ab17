import GreenStreamRPC
import NNG

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a worker needs; built by `greenstream worker` from its options and environment.
/// Workers carry no transform settings of their own: every job brings them (R-R-2).
public struct WorkerConfiguration: Sendable {
    /// The coordinator's endpoint: `tcp://host:port`, `tls+tcp://host:port` or `ipc:///path`.
    public var coordinator: String
    /// The cluster token sent with every call (R-R-3).
    public var token: String
    /// Stable, unique name of this worker; default `<hostname>-<pid>`.
    public var workerID: String
    /// Jobs run at once (≥ 1).
    public var concurrency: Int
    /// PEM file of the CA that signs the coordinator's certificate (`tls+tcp://`).
    public var tlsCAFile: String?
    /// This worker's client certificate and key (PEM), for a coordinator that requires mutual TLS;
    /// the key defaults to the certificate's file (one PEM holding both).
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    /// Longest long-poll wait asked for (capped by the coordinator).
    public var leaseWait: Duration
    /// After SIGTERM, how long in-flight jobs may run before they are handed back (`worker_shutdown`).
    public var drainTimeout: Duration
    /// After the drain bound, how long results may still be sent before the worker exits anyway.
    public var finalGrace: Duration
    /// Deadline of one call other than a long poll.
    public var callTimeout: Duration
    /// Delays between failed registrations and polls.
    public var backoff: WorkerSession.Backoff
    /// Reported to the coordinator for `gsctl workers list`.
    public var softwareVersion: String

    /// Short enough that a shutdown waits little for the last poll to return (it is never
    /// abandoned: NNG 1.5.2's close can hang on a late reply), long enough to cost nothing.
    public static let defaultLeaseWait: Duration = .seconds(5)
    public static let defaultDrainTimeout: Duration = .seconds(30)
    public static let defaultFinalGrace: Duration = .seconds(10)
    public static let softwareVersionDefault = "0.9.0"

    /// - Parameters:
    ///   - coordinator: the coordinator's endpoint.
    ///   - token: the cluster token.
    ///   - workerID: this worker's name; `nil` = `<hostname>-<pid>`.
    ///   - concurrency: jobs at once (default 1).
    ///   - tlsCAFile: CA for `tls+tcp://` (default none).
    ///   - tlsCertificateFile: client certificate for mutual TLS (default none).
    ///   - tlsKeyFile: its private key (default: `tlsCertificateFile`).
    ///   - leaseWait: long-poll wait (default 5 s).
    ///   - drainTimeout: shutdown bound for in-flight jobs (default 30 s).
    ///   - finalGrace: bound on sending results after that (default 10 s).
    ///   - callTimeout: per-call deadline (default 30 s).
    ///   - backoff: retry delays (default 100 ms doubling to 5 s).
    public init(
        coordinator: String, token: String, workerID: String? = nil, concurrency: Int = 1, tlsCAFile: String? = nil,
        tlsCertificateFile: String? = nil, tlsKeyFile: String? = nil,
        leaseWait: Duration = defaultLeaseWait, drainTimeout: Duration = defaultDrainTimeout,
        finalGrace: Duration = defaultFinalGrace, callTimeout: Duration = .seconds(30),
        backoff: WorkerSession.Backoff = .init(), softwareVersion: String = softwareVersionDefault
    ) {
        self.coordinator = coordinator
        self.token = token
        self.workerID = workerID ?? Self.defaultWorkerID()
        self.concurrency = concurrency
        self.tlsCAFile = tlsCAFile
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
        self.leaseWait = leaseWait
        self.drainTimeout = drainTimeout
        self.finalGrace = finalGrace
        self.callTimeout = callTimeout
        self.backoff = backoff
        self.softwareVersion = softwareVersion
    }

    /// Checks what a caller may have set by hand.
    /// - Throws: ``WorkerConfigurationError`` naming the first bad setting.
    public func validate() throws(WorkerConfigurationError) {
        guard concurrency >= 1, concurrency <= 1024 else {
            throw .init("--concurrency must be 1…1024, not \(concurrency)")
        }
        guard !token.isEmpty else { throw .init("no cluster token (--token, --token-file, GS_TOKEN or GS_TOKEN_FILE)") }
        guard token.utf8.count <= 1024 else { throw .init("the cluster token is longer than 1024 bytes") }
        guard (1...128).contains(workerID.utf8.count) else { throw .init("--worker-id must be 1–128 bytes") }
        let schemes = ["tcp://", "tls+tcp://", "ipc://"]
        guard schemes.contains(where: coordinator.hasPrefix) else {
            throw .init(
                "--coordinator must be tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc:///PATH, not '\(coordinator)'")
        }
        if coordinator.hasPrefix("tls+") && tlsCAFile == nil {
            throw .init("a tls+tcp:// coordinator needs --tls-ca (the CA that signs its certificate)")
        }
        if tlsKeyFile != nil && tlsCertificateFile == nil { throw .init("--tls-key needs --tls-cert") }
        guard drainTimeout >= .zero, finalGrace >= .zero else { throw .init("shutdown bounds must not be negative") }
    }

    /// The RPC client options this configuration implies.
    public var clientOptions: RPCClientOptions {
        var transport = RequestClientOptions(
            reconnectMinimum: backoff.minimum, reconnectMaximum: backoff.maximum, timeout: callTimeout)
        if coordinator.hasPrefix("tls+") {
            transport.tls = TLSConfiguration(
                certificateFile: tlsCertificateFile, privateKeyFile: tlsKeyFile, caFile: tlsCAFile,
                peerVerification: .required)
        }
        return RPCClientOptions(transport: transport)
    }

    /// `<hostname>-<pid>`.
    public static func defaultWorkerID() -> String { "\(hostName())-\(getpid())" }

    /// This machine's host name.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A worker setting that cannot work; the message names it.
public struct WorkerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
