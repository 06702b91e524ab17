import ArgumentParser
import Foundation
import GreenStreamMetricNames
import GreenStreamObservability
import Logging
import Prometheus

/// `--log-level`, `--log-format` and `--metrics-listen`, shared by the long-running commands
/// (coordinator, worker). Each also comes from its environment variable; an option given wins.
struct ObservabilityOptions: ParsableArguments {
    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error, critical (default info) [GS_LOG_LEVEL].")
    var logLevel: String?

    @Option(
        name: .customLong("log-format"),
        help: "text (key=value metadata) or json (one object per line) (default text) [GS_LOG_FORMAT].")
    var logFormat: String?

    @Option(
        name: .customLong("metrics-listen"),
        help: "Serve Prometheus metrics on http://HOST:PORT/metrics (off unless given) [GS_METRICS_LISTEN].")
    var metricsListen: String?

    /// Bootstraps swift-log from the options; first thing a command does.
    func bootstrapLogging(environment env: [String: String]) throws -> LogOptions {
        let options: LogOptions
        do { options = try LogOptions(level: logLevel, format: logFormat, environment: env) } catch {
            throw ValidationError(error.description)
        }
        options.bootstrap()
        return options
    }

    /// The metrics address asked for, if any.
    func metricsAddress(environment env: [String: String]) -> String? {
        if let metricsListen, !metricsListen.isEmpty { return metricsListen }
        if let value = env["GS_METRICS_LISTEN"], !value.isEmpty { return value }
        return nil
    }

    /// With a metrics address: bootstraps the Prometheus backend (before any metric is made) and
    /// returns its registry; nil (and metrics stay no-ops) without one.
    func bootstrapMetrics(for process: MetricDefinition.Process, environment env: [String: String])
        -> PrometheusCollectorRegistry?
    {
        guard metricsAddress(environment: env) != nil else { return nil }
        return MetricsBootstrap.bootstrap(for: process)
    }

    /// Starts `/metrics` on the address asked for; logs `metrics ready` with its URL.
    func serveMetrics(
        _ registry: PrometheusCollectorRegistry?, environment env: [String: String], logger: Logger,
        beforeScrape: @escaping @Sendable () async -> Void = {}
    ) async throws -> MetricsServer? {
        guard let registry, let address = metricsAddress(environment: env) else { return nil }
        let server = try await MetricsServer(
            listen: address, registry: registry, logger: Logger(label: "greenstream.metrics"),
            beforeScrape: beforeScrape)
        logger.info("metrics ready", metadata: ["url": "\(server.url)"])
        return server
    }
}
