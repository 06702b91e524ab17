import ArgumentParser
import GreenStreamRPC

/// The options every gsctl command takes to reach the coordinator; each also reads the
/// environment variable named in its help (an option given on the command line wins).
public struct ConnectionOptions: ParsableArguments {
    @Option(
        help: "The coordinator's admin endpoint: tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc:///PATH (GS_COORDINATOR).")
    public var coordinator: String?

    @Option(help: "File holding the cluster token; whitespace around it is ignored (GS_TOKEN_FILE).")
    public var tokenFile: String?

    @Option(help: "The cluster token itself (GS_TOKEN); --token-file keeps it out of the process list.")
    public var token: String?

    @Option(help: "Seconds to wait for the coordinator's answer (default 5).")
    public var timeout: Double?

    @Option(help: "PEM file of the CA that signs the coordinator's certificate, for tls+tcp:// (GS_TLS_CA).")
    public var tlsCA: String?

    @Option(help: "PEM client certificate, for a coordinator that requires mutual TLS (GS_TLS_CERT).")
    public var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (GS_TLS_KEY; default: the --tls-cert file).")
    public var tlsKey: String?

    public init() {}

    /// The settings these options and `environment` give.
    /// - Throws: ``CtlUsageError`` naming what is missing or wrong.
    public func settings(environment: [String: String]) throws(CtlUsageError) -> CtlSettings {
        guard let endpoint = coordinator ?? environment["GS_COORDINATOR"], !endpoint.isEmpty else {
            throw CtlUsageError("no coordinator: give --coordinator or set GS_COORDINATOR")
        }
        guard ["tcp://", "tls+tcp://", "ipc://"].contains(where: endpoint.hasPrefix) else {
            throw CtlUsageError(
                "--coordinator must be tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc:///PATH, not '\(endpoint)'")
        }
        let secret: String
        do {
            // --token-file on the command line beats GS_TOKEN; --token beats both.
            let environmentToken = tokenFile == nil ? environment : environment.filter { $0.key != "GS_TOKEN" }
            secret = try ClusterToken.resolve(token: token, tokenFile: tokenFile, environment: environmentToken)
        } catch {
            throw CtlUsageError(error.description)
        }
        let seconds = timeout ?? 5
        guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw CtlUsageError("--timeout must be a number of seconds above 0")
        }
        let ca = tlsCA ?? environment["GS_TLS_CA"]
        if endpoint.hasPrefix("tls+") && ca == nil {
            throw CtlUsageError("a tls+tcp:// coordinator needs --tls-ca or GS_TLS_CA")
        }
        let cert = tlsCert ?? environment["GS_TLS_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let key = tlsKey ?? environment["GS_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if key != nil && cert == nil {
            throw CtlUsageError("--tls-key needs --tls-cert (or GS_TLS_CERT)")
        }
        return CtlSettings(
            coordinator: endpoint, token: secret, timeout: .milliseconds(Int64(seconds * 1000)), tlsCAFile: ca,
            tlsCertificateFile: cert, tlsKeyFile: key)
    }
}

/// A command line gsctl cannot act on; printed as one line, exit status 1.
public struct CtlUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
