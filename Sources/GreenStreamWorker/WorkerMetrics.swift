import CoreMetrics
import GreenStreamMetricNames
import GreenStreamRPC

/// A worker's metrics (issue 11) through swift-metrics' API; `greenstream worker --metrics-listen`
/// serves them. Counted once per job.
struct WorkerMetrics: Sendable {
    let transformSeconds = CoreMetrics.Timer(label: MetricNames.workerTransformSeconds)
    let processedBytes = Counter(label: MetricNames.workerProcessedBytes)
    let inFlight = Meter(label: MetricNames.workerJobsInFlight)
    let succeeded = Counter(label: MetricNames.workerJobs, dimensions: [("outcome", "succeeded")])
    let failed = Counter(label: MetricNames.workerJobs, dimensions: [("outcome", "failed")])

    /// One job's transform ended after `nanoseconds`.
    func jobFinished(_ outcome: ReportResultRequest.Outcome, bytes: UInt64, nanoseconds: Int64) {
        transformSeconds.recordNanoseconds(nanoseconds)
        processedBytes.increment(by: Int64(clamping: bytes))
        switch outcome {
        case .success: succeeded.increment()
        case .failure: failed.increment()
        }
    }
}
