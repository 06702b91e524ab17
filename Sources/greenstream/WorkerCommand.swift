import ArgumentParser
import Foundation
import GreenStreamRPC
import GreenStreamObservability
import GreenStreamWorker
import Logging

/// `greenstream worker`: options and environment → ``WorkerConfiguration`` → ``Worker/run()``.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a stateless worker: lease jobs from the coordinator, transform them, report the results.",
        discussion: """
            Every option can also come from the environment variable named in its help; an option \
            on the command line wins. The worker logs 'worker ready' once registered. On SIGTERM or \
            SIGINT it stops leasing, finishes its jobs (handing back with a retryable \
            'worker_shutdown' failure those not done within --drain-timeout) and exits 0. \
            It exits 1 when the coordinator refuses the token.
            """
    )

    @Option(help: "Coordinator endpoint: tcp://HOST:PORT, tls+tcp://HOST:PORT or ipc:///PATH (GS_COORDINATOR).")
    var coordinator: String?

    @Option(help: "Cluster token (GS_TOKEN). Prefer --token-file: arguments are visible to other users.")
    var token: String?

    @Option(help: "File holding the cluster token; surrounding whitespace is ignored (GS_TOKEN_FILE).")
    var tokenFile: String?

    @Option(help: "Jobs run at once, 1–1024 (GS_WORKER_CONCURRENCY; default 1).")
    var concurrency: Int?

    @Option(help: "This worker's name, unique in the cluster (GS_WORKER_ID; default HOSTNAME-PID).")
    var workerID: String?

    @Option(help: "PEM file of the CA that signs the coordinator's certificate, for tls+tcp:// (GS_TLS_CA).")
    var tlsCA: String?

    @Option(help: "PEM client certificate, for a coordinator that requires mutual TLS (GS_TLS_CERT).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (GS_TLS_KEY; default: the --tls-cert file).")
    var tlsKey: String?

    @Option(
        help: "Seconds jobs may still run after SIGTERM before they are handed back (GS_WORKER_DRAIN_TIMEOUT; default 30)."
    )
    var drainTimeout: Double?

    @OptionGroup var observability: ObservabilityOptions

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        _ = try observability.bootstrapLogging(environment: env)
        let registry = observability.bootstrapMetrics(for: .worker, environment: env)
        guard let endpoint = coordinator ?? env["GS_COORDINATOR"], !endpoint.isEmpty else {
            throw ValidationError("no coordinator: give --coordinator or GS_COORDINATOR")
        }
        let secret: String
        do { secret = try ClusterToken.resolve(token: token, tokenFile: tokenFile, environment: env) } catch {
            throw ValidationError(error.description)
        }
        let jobs = try concurrency ?? Self.number(env["GS_WORKER_CONCURRENCY"], "GS_WORKER_CONCURRENCY", Int.init) ?? 1
        let drain =
            try drainTimeout ?? Self.number(env["GS_WORKER_DRAIN_TIMEOUT"], "GS_WORKER_DRAIN_TIMEOUT", Double.init)
            ?? 30
        guard drain.isFinite, drain >= 0 else {
            throw ValidationError("--drain-timeout must be a number of seconds ≥ 0")
        }
        let config = WorkerConfiguration(
            coordinator: endpoint, token: secret,
            workerID: workerID ?? env["GS_WORKER_ID"].flatMap { $0.isEmpty ? nil : $0 },
            concurrency: jobs, tlsCAFile: tlsCA ?? env["GS_TLS_CA"],
            tlsCertificateFile: tlsCert ?? env["GS_TLS_CERT"].flatMap { $0.isEmpty ? nil : $0 },
            tlsKeyFile: tlsKey ?? env["GS_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            drainTimeout: .milliseconds(Int64(drain * 1000)))
        do { try config.validate() } catch { throw ValidationError(error.description) }

        var logger = Logger(label: "greenstream.worker")
        // Every line a worker writes names it: an operator merging several workers' logs needs that.
        logger[metadataKey: "worker"] = .string(config.workerID)
        let metrics: MetricsServer?
        do { metrics = try await observability.serveMetrics(registry, environment: env, logger: logger) } catch {
            logger.critical("worker cannot serve metrics", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        let worker = Worker(configuration: config, logger: logger)
        let signals = ShutdownSignals.watch { worker.shutdown() }
        defer { signals.cancel() }
        let status = try await worker.run()
        await metrics?.stop()
        if status != 0 { throw ExitCode(status) }
    }

    /// An environment variable's number; `nil` when unset or empty.
    private static func number<T>(_ text: String?, _ name: String, _ parse: (String) -> T?) throws -> T? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = parse(text) else { throw ValidationError("\(name) must be a number, not '\(text)'") }
        return value
    }
}
