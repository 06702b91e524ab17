import CNNG

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// TLS settings of one `tls+tcp://` endpoint. NNG 1.5.2 (Debian, mbed TLS) speaks
/// TLS 1.2 only and cannot read the peer's certificate identity, so authorisation
/// stays at the application level (the cluster token) even with mutual TLS.
public struct TLSConfiguration: Sendable, Equatable {
    /// How the peer's certificate is checked.
    public enum PeerVerification: Sendable, Equatable {
        /// No check (the default for servers: clients need no certificate).
        case none
        /// Checked when the peer presents one.
        case optional
        /// The peer must present a certificate signed by `caFile` (mutual TLS on a
        /// server; the default for clients).
        case required
    }

    /// PEM file with this side's certificate (chain); required for servers.
    public var certificateFile: String?
    /// PEM file with the unencrypted private key of `certificateFile`.
    public var privateKeyFile: String?
    /// PEM file with the CA certificates that sign the peer's certificate.
    public var caFile: String?
    public var peerVerification: PeerVerification
    /// The name to check in the server's certificate (clients only); defaults to the URL's host.
    public var serverName: String?

    /// - Parameters:
    ///   - certificateFile: this side's certificate, PEM.
    ///   - privateKeyFile: its private key, PEM, unencrypted.
    ///   - caFile: CA certificates that sign the peer, PEM.
    ///   - peerVerification: how to check the peer.
    ///   - serverName: name expected in the server certificate (clients).
    public init(
        certificateFile: String? = nil, privateKeyFile: String? = nil, caFile: String? = nil,
        peerVerification: PeerVerification, serverName: String? = nil
    ) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.caFile = caFile
        self.peerVerification = peerVerification
        self.serverName = serverName
    }

    /// A server that requires clients to present a certificate signed by `caFile`.
    public static func mutualServer(certificateFile: String, privateKeyFile: String, caFile: String) -> Self {
        .init(
            certificateFile: certificateFile, privateKeyFile: privateKeyFile, caFile: caFile,
            peerVerification: .required)
    }

    /// The name of the TLS engine libnng was built with ("mbed"), or "none".
    public static var engineName: String { String(cString: nng_tls_engine_name()) }

    /// Builds an `nng_tls_config`; the caller attaches it to one endpoint and frees
    /// its own reference afterwards (the endpoint keeps one).
    func makeConfig(server: Bool) throws -> OpaquePointer {
        guard Self.engineName != "none" else { throw TransportError.tlsUnavailable }
        var cfg: OpaquePointer?
        try NngError.check(
            nng_tls_config_alloc(&cfg, server ? NNG_TLS_MODE_SERVER : NNG_TLS_MODE_CLIENT), "nng_tls_config_alloc")
        guard let cfg else { preconditionFailure("nng_tls_config_alloc returned no config") }
        do {
            if let certificateFile {
                let cert = try Self.readPEM(certificateFile)
                let key = try Self.readPEM(privateKeyFile ?? certificateFile)
                try NngError.check(
                    nng_tls_config_own_cert(cfg, cert, key, nil), "nng_tls_config_own_cert(\(certificateFile))")
            }
            if let caFile {
                try NngError.check(
                    nng_tls_config_ca_chain(cfg, try Self.readPEM(caFile), nil), "nng_tls_config_ca_chain(\(caFile))")
            }
            let mode: nng_tls_auth_mode =
                switch peerVerification {
                case .none: NNG_TLS_AUTH_MODE_NONE
                case .optional: NNG_TLS_AUTH_MODE_OPTIONAL
                case .required: NNG_TLS_AUTH_MODE_REQUIRED
                }
            try NngError.check(nng_tls_config_auth_mode(cfg, mode), "nng_tls_config_auth_mode")
            if let serverName {
                try NngError.check(nng_tls_config_server_name(cfg, serverName), "nng_tls_config_server_name")
            }
            return cfg
        } catch {
            nng_tls_config_free(cfg)
            throw error
        }
    }

    private static func readPEM(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else { throw TransportError.unreadableFile(path: path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
        }
        guard ferror(file) == 0, !bytes.isEmpty else { throw TransportError.unreadableFile(path: path) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
