import CoreMetrics
import GreenStreamMetricNames
import Prometheus

/// The Prometheus backend of swift-metrics, set up once per process by the executables
/// (libraries only use swift-metrics' API, so tests and benches run with no backend at all).
public enum MetricsBootstrap {
    /// Creates the process's one registry, makes it swift-metrics' backend, and registers the
    /// catalogue's metrics of `process` that take no labels, so a scrape shows them (at zero)
    /// before the first event. Histograms get the catalogue's buckets.
    /// Call it once, before any metric is recorded.
    public static func bootstrap(for process: MetricDefinition.Process) -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(makeFactory(registry: registry))
        registerUnlabeled(of: process)
        return registry
    }

    /// The factory with the catalogue's histogram buckets (exposed for tests).
    public static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        for metric in MetricCatalog.all where metric.kind == .histogram {
            factory.durationHistogramBuckets[metric.name] = metric.buckets.map { .nanoseconds(Int64($0 * 1e9)) }
        }
        return factory
    }

    /// Creates every label-less metric of `process` through `factory` (or swift-metrics' global one).
    public static func registerUnlabeled(of process: MetricDefinition.Process, factory: (any MetricsFactory)? = nil) {
        for metric in MetricCatalog.all where metric.process == process && metric.labels.isEmpty {
            switch metric.kind {
            case .counter:
                if let factory { _ = Counter(label: metric.name, dimensions: [], factory: factory) } else {
                    _ = Counter(label: metric.name)
                }
            case .gauge:
                if let factory { _ = Gauge(label: metric.name, dimensions: [], factory: factory) } else {
                    _ = Gauge(label: metric.name)
                }
            case .histogram:
                if let factory { _ = CoreMetrics.Timer(label: metric.name, dimensions: [], factory: factory) } else {
                    _ = CoreMetrics.Timer(label: metric.name)
                }
            }
        }
    }
}
