import CoreMetrics
import GreenStreamMetricNames
import GreenStreamObservability
import GreenStreamTesting
import Prometheus
import Testing

/// The backend as the executables set it up, driven through swift-metrics' API with an explicit
/// factory (the global bootstrap can happen once per process), read back through the strict parser.
struct PrometheusOutputTests {
    @Test("label-less metrics of a process are exposed at zero before any event; the other process's are not")
    func zeroBeforeFirstEvent() throws {
        let registry = PrometheusCollectorRegistry()
        MetricsBootstrap.registerUnlabeled(of: .worker, factory: MetricsBootstrap.makeFactory(registry: registry))
        let text = registry.emitToString()
        let parsed = try PrometheusExposition(parsing: text)
        #expect(parsed.value(MetricNames.workerProcessedBytes) == 0)
        #expect(parsed.types[MetricNames.workerTransformSeconds] == "histogram")
        #expect(parsed.value(MetricNames.workerTransformSeconds + "_count") == 0)
        #expect(parsed.types[MetricNames.jobsCreated] == nil, "coordinator metrics stay out of a worker's scrape")
    }

    @Test("counters with labels, timers as histograms in seconds with the catalogue's buckets")
    func exposition() throws {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsBootstrap.makeFactory(registry: registry)
        Counter(label: MetricNames.rpcRequests, dimensions: [("call", "lease_job")], factory: factory).increment(by: 3)
        Counter(label: MetricNames.rpcErrors, dimensions: [("call", "report_result"), ("code", "stale_attempt")], factory: factory)
            .increment()
        let latency = CoreMetrics.Timer(label: MetricNames.landingToCommittedSeconds, dimensions: [], factory: factory)
        latency.recordNanoseconds(30_000_000)  // 0.03 s
        latency.recordNanoseconds(7_000_000_000)  // 7 s
        let parsed = try PrometheusExposition(parsing: registry.emitToString())
        #expect(parsed.types[MetricNames.rpcRequests] == "counter")
        #expect(parsed.value(MetricNames.rpcRequests, ["call": "lease_job"]) == 3)
        #expect(parsed.value(MetricNames.rpcErrors, ["call": "report_result", "code": "stale_attempt"]) == 1)
        let name = MetricNames.landingToCommittedSeconds
        #expect(parsed.value(name + "_count") == 2)
        #expect(abs((parsed.value(name + "_sum") ?? 0) - 7.03) < 1e-9, "seconds, not nanoseconds")
        let bounds = try #require(MetricCatalog.definition(name)?.buckets)
        let les = parsed.all(name + "_bucket").compactMap { $0.labels["le"] }.filter { $0 != "+Inf" }.compactMap(Double.init)
        #expect(les == bounds, "the catalogue's buckets")
        #expect(parsed.value(name + "_bucket", ["le": "0.05"]) == 1)
        #expect(parsed.value(name + "_bucket", ["le": "10.0"]) == 2 || parsed.value(name + "_bucket", ["le": "10"]) == 2)
    }

    @Test("the parser refuses what Prometheus would refuse")
    func parserRefuses() {
        let bad = [
            "greenstream_x_total 1\n",  // no TYPE
            "# TYPE greenstream_x_total counter\ngreenstream_x_total{call=lease} 1\n",  // unquoted label
            "# TYPE greenstream_x_total counter\ngreenstream_x_total one\n",  // bad value
            "# TYPE 9bad counter\n",  // bad name
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0\n",  // not cumulative
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 0\n",  // count ≠ +Inf
        ]
        for text in bad {
            #expect(throws: PrometheusExposition.ParseError.self, "\(text)") { try PrometheusExposition(parsing: text) }
        }
    }
}
