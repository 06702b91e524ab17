// The admin calls behind gsctl (R-O-1…R-O-3), answered from the job table and the hot store.
import Foundation
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore

extension Coordinator {
    /// The most jobs one `ListJobs` answers (gsctl's `--limit` up to this is never cut silently).
    static let maxListedJobs = 100_000

    func listJobs(_ request: ListJobsRequest) async throws -> ListJobsReply {
        let limit = request.limit == 0 ? 50 : min(Int(request.limit), Self.maxListedJobs)
        var summaries: [JobSummary] = []
        var before: Int64? = request.beforeJobID > 0 ? request.beforeJobID : nil
        var next: Int64 = 0
        // Pages by key (R-J-9), 10 000 at a time, until the limit is filled.
        while summaries.count < limit {
            let page = try await jobs.jobList(
                state: request.state, limit: min(10_000, limit - summaries.count), beforeID: before)
            summaries += page.jobs.map(Self.summary)
            guard let key = page.nextBeforeID else {
                next = 0
                break
            }
            before = key
            next = key
        }
        return ListJobsReply(jobs: summaries, nextBeforeJobID: summaries.count >= limit ? next : 0)
    }

    static func summary(_ job: Job) -> JobSummary {
        JobSummary(
            jobID: job.id, state: job.state, attempts: UInt32(job.attempt), fileName: job.fileName,
            rowsStored: Int(job.storedRows ?? 0), rowsInterpolated: Int(job.interpolatedRows ?? 0),
            rowsRejected: Int(job.rejectedRows ?? 0), workerID: job.workerID ?? "",
            createdAtUs: Int64(job.createdAt.timeIntervalSince1970 * 1_000_000),
            updatedAtUs: Int64(job.updatedAt.timeIntervalSince1970 * 1_000_000), error: job.lastError ?? "",
            rejectCounts: job.rejectCounts)
    }

    func showJob(_ id: Int64) async throws -> ShowJobReply {
        guard let detail = try await jobs.jobShow(id: id) else { throw RPCError(.notFound, "no job \(id)") }
        let job = detail.job
        return ShowJobReply(
            job: Self.summary(job), fileSHA256: job.sha256.map { String(format: "%02x", $0) }.joined(),
            fileSize: UInt64(job.sizeBytes), rejectCounts: job.rejectCounts,
            attempts: detail.attempts.map {
                AttemptRecord(
                    attempt: UInt32($0.attempt), workerID: $0.workerID,
                    startedAtUs: Int64($0.startedAt.timeIntervalSince1970 * 1_000_000),
                    endedAtUs: $0.endedAt.map { Int64($0.timeIntervalSince1970 * 1_000_000) } ?? 0,
                    outcome: $0.outcome ?? "running", error: $0.error ?? "")
            })
    }

    /// R-J-6: by ids (each must be quarantined), or in bulk by state (quarantined) and error.
    func retryJobs(_ request: RetryJobsRequest) async throws -> RetryJobsReply {
        var ids = request.jobIDs
        if ids.isEmpty {
            guard let state = request.state else {
                throw RPCError(.invalidRequest, "name job ids, or a state to retry")
            }
            guard state == .quarantined else {
                throw RPCError(.failedPrecondition, "only quarantined jobs can be retried")
            }
            ids = try await jobs.jobIDs(
                state: .quarantined, error: request.error.isEmpty ? nil : request.error, limit: 100_000)
        }
        var retried: [Int64] = []
        for id in ids {
            do {
                let job = try await jobs.jobRetry(id: id)
                var lifecycle = JobLifecycle(state: .quarantined)
                await perform(lifecycle.retryReceived(), jobID: id)
                retried.append(id)
                logger.info("job retried", metadata: ["job_id": "\(id)", "file": "\(job.fileName)"])
            } catch StoreError.jobNotFound {
                throw RPCError(.notFound, "no job \(id)")
            } catch StoreError.jobNotInState(_, _, let actual) {
                if request.jobIDs.isEmpty { continue }  // bulk: it left quarantine meanwhile
                throw RPCError(.failedPrecondition, "job \(id) is \(actual), not quarantined")
            }
        }
        return RetryJobsReply(retriedJobIDs: retried)
    }

    func listWorkers() async throws -> ListWorkersReply {
        let records = try await jobs.workerList()
        let known = runtime.withLock { $0.workers }
        return ListWorkersReply(
            workers: records.map { record in
                let info = known[record.id]
                return WorkerInfo(
                    workerID: record.id, hostname: info?.hostname ?? "", softwareVersion: info?.softwareVersion ?? "",
                    address: info?.address ?? "",
                    registeredAtUs: Int64(record.firstSeenAt.timeIntervalSince1970 * 1_000_000),
                    lastHeartbeatUs: Int64(record.lastHeartbeatAt.timeIntervalSince1970 * 1_000_000),
                    inFlight: record.runningAttempts)
            })
    }

    /// `gsctl ingest`: lands the bytes atomically under `landing/`, then lets the landing task create
    /// the job in order with every other landing, and answers with it.
    func ingest(_ request: IngestFileRequest) async throws -> IngestFileReply {
        let name = request.fileName
        guard Zones.isSafe(name), !Zones.isIgnored(name) else {
            throw RPCError(
                .invalidRequest,
                "file name \(name.debugDescription) is refused (path separators, '..', hidden or temporary names)")
        }
        guard !isDraining else { throw RPCError(.unavailable, "the coordinator is shutting down") }
        let zones = self.zones
        let bytes = request.content
        do { try await files.run { try zones.land(name: name, bytes: bytes) } } catch let error as ZoneError
            where error.errno == EEXIST
        {
            throw RPCError(.failedPrecondition, "a file named \(name) is still waiting in landing/")
        }
        let job = await withCheckedContinuation { (reply: CheckedContinuation<Job?, Never>) in
            // After shutdown the landing task is gone; the next start's scan gives the file its job.
            if case .terminated = landingContinuation.yield(.ingested(name, reply)) { reply.resume(returning: nil) }
        }
        guard let job else {
            throw RPCError(
                .unavailable, "\(name) was landed but no job could be created yet; it is picked up by the next rescan")
        }
        return IngestFileReply(jobID: job.id, state: job.state)
    }

    func stats() async throws -> StatsReply {
        let counts = try await jobs.jobCountsByState()
        let readings = try await jobs.readingsCount()
        let alive = try await jobs.workersAlive(withinSeconds: configuration.heartbeatTimeoutSeconds)
        let extent = try await hot.extent()
        return StatsReply(
            jobsByState: counts.mapValues { Int($0) }, readingsStored: Int(readings), workersAlive: UInt32(alive),
            parkedPolls: UInt32(parkedPolls),
            hotStore: HotStoreStats(
                oldestDay: extent.oldestDay, newestDay: extent.newestDay, rows: Int(extent.rows),
                bytes: Int(extent.bytes), retentionDays: configuration.hotRetentionDays.map { UInt32($0) }))
    }

    func peakHours(_ request: PeakHoursRequest) async throws -> PeakHoursReply {
        if !request.day.isEmpty {
            let parts = request.day.split(separator: "-")
            guard parts.count == 3, parts.allSatisfy({ Int($0) != nil }), request.day.count == 10 else {
                throw RPCError(.invalidRequest, "day must be YYYY-MM-DD")
            }
        }
        guard request.top <= 24 else { throw RPCError(.invalidRequest, "top must be 1…24") }
        let top = request.top == 0 ? 24 : Int(request.top)
        let result = try await jobs.peakHours(day: request.day.isEmpty ? nil : request.day, top: top)
        let zone = try await hot.gridTimeZone()
        return PeakHoursReply(
            day: result.day, gridTimeZone: zone,
            hours: result.hours.map {
                PeakHour(hourStartUs: $0.hourStartMicros, meters: UInt32($0.meters), loadKW: $0.loadKW)
            })
    }
}
