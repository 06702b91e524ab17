import ArgumentParser
import Dispatch
import Foundation
import GreenStreamCoordinator
import GreenStreamCore
import GreenStreamRPC
import Logging
import NNG

/// `greenstream coordinator`: parses options (each also from its GS_* environment variable) into a
/// ``CoordinatorConfiguration`` and runs the service until SIGTERM or SIGINT.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the cluster's coordinator: landing, dispatch to workers, commits, zones, admin endpoint.",
        discussion: """
            Every option can also be given by the environment variable in brackets; an option on the \
            command line wins. Logs go to standard error; the line `coordinator ready` (with listen=URL) \
            says it accepts requests. SIGTERM or SIGINT stop it gracefully. See docs/COORDINATOR.md.
            """
    )

    @Option(
        name: .customLong("data-dir"), help: "Root of the zones landing/ processed/ quarantine/ archive/ [GS_DATA_DIR]."
    )
    var dataDir: String?
    @Option(name: .customLong("pg"), help: "PostgreSQL URL [GS_PG_URL].")
    var pg: String?
    @Option(
        name: .customLong("listen"),
        help: "Endpoint for workers and gsctl: tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc://PATH [GS_LISTEN].")
    var listen: String?
    @Option(name: .customLong("token"), help: "Cluster token [GS_TOKEN].")
    var token: String?
    @Option(
        name: .customLong("token-file"),
        help: "File holding the cluster token; surrounding whitespace is ignored [GS_TOKEN_FILE].")
    var tokenFile: String?
    @Option(name: .customLong("tls-cert"), help: "Server certificate (PEM) for tls+tcp:// [GS_TLS_CERT].")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "Its private key (PEM) [GS_TLS_KEY].")
    var tlsKey: String?
    @Option(name: .customLong("tls-ca"), help: "CA (PEM) that must sign client certificates (mutual TLS) [GS_TLS_CA].")
    var tlsCA: String?
    @Option(name: .customLong("retries"), help: "Retries after the first attempt (default 3) [GS_RETRIES].")
    var retries: Int?
    @Option(
        name: .customLong("heartbeat-timeout"),
        help: "Seconds without a heartbeat before an attempt is lost (default 5) [GS_HEARTBEAT_TIMEOUT].")
    var heartbeatTimeout: Double?
    @Option(name: .customLong("source-tz"), help: "Zone of timestamps without an offset (default UTC) [GS_SOURCE_TZ].")
    var sourceTZ: String?
    @Option(name: .customLong("grid-tz"), help: "Grid zone: UTC or an IANA name (default UTC) [GS_GRID_TZ].")
    var gridTZ: String?
    @Option(name: .customLong("max-kw"), help: "Readings above this many kW are outliers (default 100) [GS_MAX_KW].")
    var maxKW: Double?
    @Option(name: .customLong("max-gap"), help: "Largest hole that is filled, e.g. 2h, 90m (default 2h) [GS_MAX_GAP].")
    var maxGap: String?
    @Option(name: .customLong("peak-window"), help: "Tariff peak hours START-END (default 17-21) [GS_PEAK_WINDOW].")
    var peakWindow: String?
    @Option(
        name: .customLong("max-file-bytes"),
        help: "Files larger than this fail with too_large (default 268435456) [GS_MAX_FILE_BYTES].")
    var maxFileBytes: Int?
    @Option(
        name: .customLong("hot-retention"),
        help: """
            Days of readings the hot store keeps; older day partitions are dropped at start and hourly \
            (default: keep everything) [GS_HOT_RETENTION].
            """)
    var hotRetention: Int?
    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error, critical (default info) [GS_LOG_LEVEL].")
    var logLevel: String?

    func makeConfiguration(environment env: [String: String]) throws -> CoordinatorConfiguration {
        func value(_ option: String?, _ key: String) -> String? {
            if let option { return option }
            if let v = env[key], !v.isEmpty { return v }
            return nil
        }
        func number<T: LosslessStringConvertible>(_ option: T?, _ key: String, _ name: String) throws -> T? {
            if let option { return option }
            guard let text = env[key], !text.isEmpty else { return nil }
            guard let v = T(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(key)=\(text) is not a valid \(name)")
            }
            return v
        }
        var token = value(self.token, "GS_TOKEN")
        if token == nil, let file = value(tokenFile, "GS_TOKEN_FILE") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read token file \(file)")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let peak = try PeakWindow(parsing: value(peakWindow, "GS_PEAK_WINDOW") ?? "17-21")
        let gapMicros = try TransformConfig.parseDuration(value(maxGap, "GS_MAX_GAP") ?? "2h")
        let settings = TransformSettings(
            sourceTimeZone: value(sourceTZ, "GS_SOURCE_TZ") ?? "UTC",
            gridTimeZone: value(gridTZ, "GS_GRID_TZ") ?? "UTC",
            maxKW: try number(maxKW, "GS_MAX_KW", "number") ?? TransformConfig.defaultMaxKW,
            maxGapSeconds: UInt32(clamping: gapMicros / 1_000_000), peakStartHour: UInt32(peak.start),
            peakEndHour: UInt32(peak.end),
            maxFileBytes: UInt64(
                max(
                    0,
                    try number(maxFileBytes, "GS_MAX_FILE_BYTES", "byte count") ?? TransformConfig.defaultMaxFileBytes))
        )
        let listenURL = value(listen, "GS_LISTEN") ?? ""
        var tls: TLSConfiguration?
        if let cert = value(tlsCert, "GS_TLS_CERT") {
            let key = value(tlsKey, "GS_TLS_KEY")
            if let ca = value(tlsCA, "GS_TLS_CA"), let key {
                tls = .mutualServer(certificateFile: cert, privateKeyFile: key, caFile: ca)
            } else {
                tls = TLSConfiguration(certificateFile: cert, privateKeyFile: key, peerVerification: .none)
            }
        }
        return CoordinatorConfiguration(
            dataDirectory: value(dataDir, "GS_DATA_DIR") ?? "", postgresURL: value(pg, "GS_PG_URL") ?? "",
            listenURL: listenURL, token: token ?? "", tls: tls,
            retries: try number(retries, "GS_RETRIES", "count") ?? 3,
            heartbeatTimeoutSeconds: try number(heartbeatTimeout, "GS_HEARTBEAT_TIMEOUT", "number of seconds") ?? 5,
            settings: settings, hotRetentionDays: try number(hotRetention, "GS_HOT_RETENTION", "number of days"))
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let levelText = value(logLevel, env["GS_LOG_LEVEL"]) ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("unknown log level \(levelText)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "greenstream.coordinator")
        let configuration: CoordinatorConfiguration
        do {
            configuration = try makeConfiguration(environment: env)
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        let signals = SignalWaiter([SIGTERM, SIGINT])
        let coordinator = try Coordinator(configuration: configuration, logger: logger)
        do { try await coordinator.start() } catch {
            logger.critical("coordinator cannot start: \(error)")
            throw ExitCode.failure
        }
        let signal = await signals.next()
        logger.info("signal \(signal): shutting down")
        let clean = await coordinator.shutdown()
        // NNG 1.5.2 may hang in close (docs/DECISIONS.md): then leave rather than wait.
        if !clean { Foundation.exit(0) }
    }

    private func value(_ option: String?, _ env: String?) -> String? { option ?? (env?.isEmpty == false ? env : nil) }
}

/// SIGTERM/SIGINT through Dispatch signal sources (the default action is ignored, so the process
/// lives until the coordinator has drained).
final class SignalWaiter: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let stream: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation

    init(_ signals: [Int32]) {
        (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        for number in signals {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [continuation] in continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
    }

    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}
