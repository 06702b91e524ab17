import GreenStreamCore
import GreenStreamRPC
import NNG

/// What one gsctl invocation asks for, once its arguments are parsed (R-O-1, R-O-2).
public enum CtlRequest: Sendable, Equatable {
    case listJobs(state: JobState?, limit: Int, json: Bool)
    case showJob(id: Int64, json: Bool)
    case retryJobs(ids: [Int64], json: Bool)
    /// Bulk retry: every job in `state` whose error equals `reason` ("" = any).
    case retryMatching(state: JobState, reason: String, json: Bool)
    case listWorkers(json: Bool)
    case ingest(files: [String], json: Bool)
    case stats(json: Bool)
    case peak(day: String, top: Int, json: Bool)
}

/// Where and how to reach the coordinator.
public struct CtlSettings: Sendable, Equatable {
    /// The admin endpoint (`--coordinator` / `GS_COORDINATOR`).
    public var coordinator: String
    /// The cluster token (`--token` / `GS_TOKEN`, `--token-file` / `GS_TOKEN_FILE`).
    public var token: String
    /// Deadline of each call (`--timeout`, default 5 s).
    public var timeout: Duration
    /// CA for `tls+tcp://` (`--tls-ca` / `GS_TLS_CA`).
    public var tlsCAFile: String?
    /// Client certificate and its key for a coordinator that requires mutual TLS
    /// (`--tls-cert` / `GS_TLS_CERT`, `--tls-key` / `GS_TLS_KEY`).
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?

    public static let defaultTimeout: Duration = .seconds(5)

    public init(
        coordinator: String, token: String, timeout: Duration = defaultTimeout, tlsCAFile: String? = nil,
        tlsCertificateFile: String? = nil, tlsKeyFile: String? = nil
    ) {
        self.coordinator = coordinator
        self.token = token
        self.timeout = timeout
        self.tlsCAFile = tlsCAFile
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
    }

    /// Client options: resend off (a call is retried by the operator, not behind their back),
    /// quick reconnects, the call deadline, TLS when asked for.
    var clientOptions: RPCClientOptions {
        var transport = RequestClientOptions(
            reconnectMinimum: .milliseconds(50), reconnectMaximum: .milliseconds(500), resendInterval: nil,
            timeout: timeout)
        if coordinator.hasPrefix("tls+") {
            transport.tls = TLSConfiguration(
                certificateFile: tlsCertificateFile, privateKeyFile: tlsKeyFile, caFile: tlsCAFile,
                peerVerification: .required)
        }
        return RPCClientOptions(transport: transport)
    }
}

/// What an invocation printed and how it ended.
public struct CtlOutput: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    public var exitCode: Int32

    public init(stdout: String = "", stderr: String = "", exitCode: Int32 = 0) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }

    /// A failed invocation: one line on stderr, status 1 (R-O-3).
    public static func failure(_ message: String, stdout: String = "") -> CtlOutput {
        CtlOutput(stdout: stdout, stderr: "gsctl: \(message)\n", exitCode: 1)
    }
}
