/// What one metric is: the catalogue behind docs/OBSERVABILITY.md, the Prometheus bootstrap's
/// histogram buckets and the checks on cluster/grafana-dashboard.json.
public struct MetricDefinition: Sendable, Equatable {
    /// The Prometheus type a metric is exposed as.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The process that exports a metric.
    public enum Process: String, Sendable {
        case coordinator, worker
    }

    public var name: String
    public var kind: Kind
    /// Label names, in the order they are given.
    public var labels: [String]
    public var process: Process
    /// Bucket upper bounds in seconds (histograms only).
    public var buckets: [Double]
    /// One line for an operator.
    public var help: String

    public init(
        _ name: String, _ kind: Kind, labels: [String] = [], process: Process, buckets: [Double] = [], help: String
    ) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.process = process
        self.buckets = buckets
        self.help = help
    }
}

/// Every metric GreenStream exports.
public enum MetricCatalog {
    /// Latency of whole jobs: tens of milliseconds on a quiet cluster, minutes behind a backlog.
    static let jobLatencyBuckets: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]
    /// One transaction or one transform: milliseconds to tens of seconds.
    static let stepBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    public static let all: [MetricDefinition] = [
        .init(MetricNames.jobs, .gauge, labels: ["state"], process: .coordinator, help: "Jobs in each state."),
        .init(MetricNames.jobsCreated, .counter, process: .coordinator, help: "Jobs created for landed files."),
        .init(MetricNames.jobsSucceeded, .counter, process: .coordinator, help: "Jobs committed (succeeded)."),
        .init(MetricNames.jobsDuplicate, .counter, process: .coordinator, help: "Jobs ended as duplicate."),
        .init(MetricNames.jobsQuarantined, .counter, process: .coordinator, help: "Jobs quarantined."),
        .init(
            MetricNames.jobsRetried, .counter, labels: ["cause"], process: .coordinator,
            help: "Jobs sent round for another attempt (attempt_failed, operator)."),
        .init(
            MetricNames.landingToCommittedSeconds, .histogram, process: .coordinator, buckets: jobLatencyBuckets,
            help: "Seconds from landing (job created) to the hot-store commit."),
        .init(
            MetricNames.commitDurationSeconds, .histogram, process: .coordinator, buckets: stepBuckets,
            help: "Seconds one hot-store commit took."),
        .init(MetricNames.readingsStored, .counter, process: .coordinator, help: "Readings committed to the hot store."),
        .init(
            MetricNames.readingsInterpolated, .counter, process: .coordinator,
            help: "Committed readings that were interpolated."),
        .init(
            MetricNames.rejects, .counter, labels: ["reason"], process: .coordinator,
            help: "Rejected rows of committed jobs, by reason."),
        .init(MetricNames.processedBytes, .counter, process: .coordinator, help: "Raw bytes of committed jobs."),
        .init(
            MetricNames.workersConnected, .gauge, process: .coordinator,
            help: "Workers heard from within the heartbeat timeout."),
        .init(
            MetricNames.heartbeatMisses, .counter, process: .coordinator,
            help: "Attempts failed because their worker missed its heartbeats."),
        .init(MetricNames.leasesWaiting, .gauge, process: .coordinator, help: "LeaseJob long polls held now."),
        .init(
            MetricNames.rpcRequests, .counter, labels: ["call"], process: .coordinator,
            help: "RPC requests answered, by call."),
        .init(
            MetricNames.rpcErrors, .counter, labels: ["call", "code"], process: .coordinator,
            help: "RPC requests answered with an error, by call and error code."),
        .init(MetricNames.pgPoolInUse, .gauge, process: .coordinator, help: "PostgreSQL connections lent out."),
        .init(MetricNames.pgPoolOpen, .gauge, process: .coordinator, help: "PostgreSQL connections open."),
        .init(
            MetricNames.pgPoolWaits, .counter, process: .coordinator,
            help: "Connection checkouts that waited for a free connection."),
        .init(
            MetricNames.pgPoolWaitSeconds, .histogram, process: .coordinator, buckets: stepBuckets,
            help: "Seconds a checkout waited for a connection."),
        .init(
            MetricNames.workerJobs, .counter, labels: ["outcome"], process: .worker,
            help: "Jobs a worker finished transforming, by outcome."),
        .init(
            MetricNames.workerTransformSeconds, .histogram, process: .worker, buckets: stepBuckets,
            help: "Seconds one job's transform took."),
        .init(MetricNames.workerProcessedBytes, .counter, process: .worker, help: "Raw bytes a worker transformed."),
        .init(MetricNames.workerJobsInFlight, .gauge, process: .worker, help: "Jobs running on the worker now."),
    ]

    /// The definition of `name`, if GreenStream exports it.
    public static func definition(_ name: String) -> MetricDefinition? { all.first { $0.name == name } }
}
