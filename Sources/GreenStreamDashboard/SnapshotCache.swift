import Foundation
import GreenStreamCore
import GreenStreamStore

/// What the page shows, computed at most once per ``DashboardConfiguration/snapshotSeconds`` and
/// shared by every request: a wall of screens, or a page plus `curl` loops, cost the database one
/// set of queries per interval, never one per viewer.
///
/// Two parts, two policies. The pipeline numbers (throughput, jobs, workers, quarantine) are cheap
/// index reads: they are recomputed when older than the interval, and concurrent requests wait on
/// the same computation (single flight). A day's grid aggregates that day's rollup rows, 24 per
/// meter (24 million at a million meters): it is served stale while one refresh runs in the
/// background, so no request waits for it except the first one for a day, and a new refresh
/// starts no sooner than the last one took (at most half of one database core, however slow).
actor SnapshotCache {
    struct Pipeline: Sendable {
        var throughput: DashboardThroughput
        var counts: [JobState: Int64]
        var workers: [DashboardWorker]
        var quarantine: [DashboardQuarantinedFile]
    }

    private struct GridEntry {
        var value: DashboardGridDay?
        /// When the value's query started and how long it took.
        var fetchedAt: ContinuousClock.Instant?
        var took: Duration = .zero
        var refresh: Task<DashboardGridDay, any Error>?
        var lastAsked: ContinuousClock.Instant
    }

    private let queries: DashboardQueries
    private let configuration: DashboardConfiguration
    private var pipeline: (started: ContinuousClock.Instant, task: Task<Pipeline, any Error>)?
    private var grids: [String: GridEntry] = [:]
    /// Days kept at most (a viewer paging through history); the least recently asked goes first.
    private let maxDays = 16

    init(queries: DashboardQueries, configuration: DashboardConfiguration) {
        self.queries = queries
        self.configuration = configuration
    }

    private var interval: Duration { .milliseconds(Int64(configuration.snapshotSeconds * 1000)) }

    /// The snapshot for `day` (the grid zone's today when nil).
    func snapshot(day: String?) async throws -> DashboardSnapshot {
        let grid = try await gridDay(day)
        let p = try await pipelineParts()
        return DashboardSnapshot(
            grid: grid, throughput: p.throughput, counts: p.counts, workers: p.workers, quarantine: p.quarantine,
            configuration: configuration)
    }

    private func pipelineParts() async throws -> Pipeline {
        let now = ContinuousClock.now
        if let pipeline, now - pipeline.started < interval { return try await pipeline.task.value }
        let (queries, c) = (self.queries, self.configuration)
        let task = Task {
            let throughput = try await queries.throughput(
                windowSeconds: c.throughputWindowSeconds, bucketSeconds: c.throughputBucketSeconds)
            return Pipeline(
                throughput: throughput, counts: try await queries.jobCounts(),
                workers: try await queries.workers(limit: c.workerLimit),
                quarantine: try await queries.quarantined(limit: c.quarantineLimit))
        }
        pipeline = (now, task)
        do {
            return try await task.value
        } catch {
            // A failure is not cached: the next request tries again.
            if pipeline?.started == now { pipeline = nil }
            throw error
        }
    }

    private func gridDay(_ day: String?) async throws -> DashboardGridDay {
        let key = day ?? ""
        let now = ContinuousClock.now
        var entry = grids[key] ?? GridEntry(lastAsked: now)
        entry.lastAsked = now
        let due = entry.fetchedAt.map { now - $0 >= max(interval, entry.took * 2) } ?? true
        if due && entry.refresh == nil {
            let queries = self.queries
            let task = Task { try await queries.gridDay(day) }
            entry.refresh = task
            Task { await self.refreshed(key, task, started: now) }
        }
        if grids[key] == nil && grids.count >= maxDays,
            let oldest = grids.min(by: { $0.value.lastAsked < $1.value.lastAsked })?.key
        {
            grids[oldest] = nil
        }
        grids[key] = entry
        if let value = entry.value { return value }
        return try await entry.refresh!.value
    }

    private func refreshed(_ key: String, _ task: Task<DashboardGridDay, any Error>, started: ContinuousClock.Instant)
        async
    {
        let result = await task.result
        guard grids[key]?.refresh == task else { return }
        grids[key]?.refresh = nil
        if case .success(let value) = result {
            grids[key]?.value = value
            grids[key]?.fetchedAt = started
            grids[key]?.took = ContinuousClock.now - started
        }
    }
}
