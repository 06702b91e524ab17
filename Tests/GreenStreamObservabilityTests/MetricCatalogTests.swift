import GreenStreamMetricNames
import Testing

struct MetricCatalogTests {
    @Test("every name follows Prometheus conventions: greenstream_ prefix, _total only on counters, units in base form")
    func naming() {
        for metric in MetricCatalog.all {
            let name = metric.name
            #expect(name.hasPrefix("greenstream_"), "\(name)")
            #expect(name.allSatisfy { $0.isLowercase || $0 == "_" }, "snake_case: \(name)")
            switch metric.kind {
            case .counter: #expect(name.hasSuffix("_total"), "counter \(name) ends in _total")
            case .gauge: #expect(!name.hasSuffix("_total"), "gauge \(name) must not end in _total")
            case .histogram:
                #expect(name.hasSuffix("_seconds") || name.hasSuffix("_bytes"), "histogram \(name) names its unit")
                #expect(!metric.buckets.isEmpty && metric.buckets == metric.buckets.sorted(), "\(name) buckets")
            }
            for unit in ["_milliseconds", "_ms", "_kilobytes", "_minutes"] {
                #expect(!name.contains(unit), "base units only: \(name)")
            }
            #expect(!metric.help.isEmpty)
            for label in metric.labels {
                #expect(label != "le" && label != "quantile" && !label.hasPrefix("__"), "reserved label \(label)")
            }
        }
    }

    @Test("names are unique and every MetricNames constant is catalogued")
    func uniqueAndComplete() {
        let names = MetricCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        let constants = [
            MetricNames.jobs, MetricNames.jobsCreated, MetricNames.jobsSucceeded, MetricNames.jobsDuplicate,
            MetricNames.jobsQuarantined, MetricNames.jobsRetried, MetricNames.landingToCommittedSeconds,
            MetricNames.commitDurationSeconds, MetricNames.readingsStored, MetricNames.readingsInterpolated,
            MetricNames.rejects, MetricNames.processedBytes, MetricNames.workersConnected, MetricNames.heartbeatMisses,
            MetricNames.leasesWaiting, MetricNames.rpcRequests, MetricNames.rpcErrors, MetricNames.pgPoolInUse,
            MetricNames.pgPoolOpen, MetricNames.pgPoolWaits, MetricNames.pgPoolWaitSeconds, MetricNames.workerJobs,
            MetricNames.workerTransformSeconds, MetricNames.workerProcessedBytes, MetricNames.workerJobsInFlight,
        ]
        #expect(Set(constants) == Set(names))
    }
}
