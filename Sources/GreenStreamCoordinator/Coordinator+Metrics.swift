// The coordinator's metrics (issue 11), through swift-metrics' API only: the executable decides the
// backend (Prometheus, GreenStreamObservability). Counted per job or per call, never per row.
import CoreMetrics
import Foundation
import GreenStreamCore
import GreenStreamMetricNames
import GreenStreamRPC
import GreenStreamStore

/// Handles on the coordinator's label-less metrics, made once (each lookup takes the backend's lock).
struct CoordinatorMetrics: Sendable {
    let jobsCreated = Counter(label: MetricNames.jobsCreated)
    let jobsSucceeded = Counter(label: MetricNames.jobsSucceeded)
    let jobsDuplicate = Counter(label: MetricNames.jobsDuplicate)
    let jobsQuarantined = Counter(label: MetricNames.jobsQuarantined)
    let landingToCommitted = CoreMetrics.Timer(label: MetricNames.landingToCommittedSeconds)
    let commitDuration = CoreMetrics.Timer(label: MetricNames.commitDurationSeconds)
    let readingsStored = Counter(label: MetricNames.readingsStored)
    let readingsInterpolated = Counter(label: MetricNames.readingsInterpolated)
    let processedBytes = Counter(label: MetricNames.processedBytes)
    let heartbeatMisses = Counter(label: MetricNames.heartbeatMisses)
    let workersConnected = Gauge(label: MetricNames.workersConnected)
    let leasesWaiting = Gauge(label: MetricNames.leasesWaiting)

    /// Creates the labelled series whose label values are known up front, so a scrape shows them at
    /// zero before the first event (a rate over a series that appears late misses its first step).
    init() {
        for reason in RejectReason.allCases {
            _ = Counter(label: MetricNames.rejects, dimensions: [("reason", reason.rawValue)])
        }
        for cause in ["attempt_failed", "operator"] {
            _ = Counter(label: MetricNames.jobsRetried, dimensions: [("cause", cause)])
        }
    }

    /// A job sent round again: after a failed attempt, or by `gsctl jobs retry`.
    func jobRetried(cause: String) {
        Counter(label: MetricNames.jobsRetried, dimensions: [("cause", cause)]).increment()
    }

    /// What one committed job adds: its readings, its rejects by reason, its bytes and its latency.
    func jobCommitted(_ success: JobSuccess, job: Job, now: Date = Date()) {
        jobsSucceeded.increment()
        readingsStored.increment(by: Int64(success.readings.count))
        // Readings of quality `interpolated`: from rows (R-IN-7's count) and synthesised slots, as
        // HotStore.commit stores them in `jobs.interpolated_rows`.
        readingsInterpolated.increment(by: Int64(success.counts.interpolatedRows + success.counts.synthesisedSlots))
        processedBytes.increment(by: job.sizeBytes)
        for (reason, count) in success.rejectCounts where count > 0 {
            Counter(label: MetricNames.rejects, dimensions: [("reason", reason.rawValue)]).increment(by: Int64(count))
        }
        let latency = max(0, now.timeIntervalSince(job.createdAt))
        landingToCommitted.recordNanoseconds(Int64(latency * 1e9))
    }
}

extension Coordinator {
    /// Refreshes the gauges that are read, not counted: jobs by state (the job store's per-state
    /// counts, R-J-9: never a scan of `jobs`), workers heard from within the heartbeat timeout, and
    /// the long polls held now. The metrics endpoint calls it before each scrape.
    public func refreshMetrics() async {
        do {
            let counts = try await jobs.jobCountsByState()
            for state in JobState.allCases {
                Gauge(label: MetricNames.jobs, dimensions: [("state", state.rawValue)]).record(counts[state] ?? 0)
            }
            let alive = try await jobs.workersAlive(withinSeconds: configuration.heartbeatTimeoutSeconds)
            metrics.workersConnected.record(alive)
        } catch {
            logger.warning("metrics: cannot read job counts", metadata: ["error": "\(error)"])
        }
        metrics.leasesWaiting.record(parkedPolls)
    }
}

extension Coordinator {
    /// Performs what a recorded failure leads to, counting the job as retried or quarantined.
    func performFailure(_ lifecycle: inout JobLifecycle, _ outcome: JobFailureOutcome, reason: String, jobID: Int64)
        async
    {
        switch outcome {
        case .retrying: metrics.jobRetried(cause: "attempt_failed")
        case .quarantined: metrics.jobsQuarantined.increment()
        case .fenced: break
        }
        await perform(lifecycle.failureRecorded(outcome, reason: reason), jobID: jobID)
    }
}

extension Duration {
    /// Whole nanoseconds, for swift-metrics' timers.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
