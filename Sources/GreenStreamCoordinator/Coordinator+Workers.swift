// The worker calls (R-R-2): register, lease (a long poll held until a job is claimable), heartbeat.
import Foundation
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore

extension Coordinator {
    /// Routes one authenticated call.
    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        switch body {
        case .registerWorker(let request): return .registerWorker(try await register(request, context: context))
        case .leaseJob(let request): return .leaseJob(try await lease(request, pipeID: context.pipeID))
        case .heartbeat(let request): return .heartbeat(try await heartbeat(request))
        case .reportResult(let request): return .reportResult(try await report(request))
        case .listJobs(let request): return .listJobs(try await listJobs(request))
        case .showJob(let request): return .showJob(try await showJob(request.jobID))
        case .retryJobs(let request): return .retryJobs(try await retryJobs(request))
        case .listWorkers: return .listWorkers(try await listWorkers())
        case .ingestFile(let request): return .ingestFile(try await ingest(request))
        case .stats: return .stats(try await stats())
        case .peakHours(let request): return .peakHours(try await peakHours(request))
        }
    }

    func register(_ request: RegisterWorkerRequest, context: RequestContext) async throws -> RegisterWorkerReply {
        guard !request.workerID.isEmpty else { throw RPCError(.invalidRequest, "worker_id must not be empty") }
        try await jobs.workerHeartbeat(workerID: request.workerID, leases: [])
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        runtime.withLock {
            $0.workers[request.workerID] = WorkerInfo(
                workerID: request.workerID, hostname: request.hostname, softwareVersion: request.softwareVersion,
                address: $0.pipes[context.pipeID] ?? "", registeredAtUs: now, lastHeartbeatUs: now)
        }
        logger.info("worker registered", metadata: ["worker": "\(request.workerID)", "host": "\(request.hostname)"])
        return RegisterWorkerReply(
            heartbeatIntervalMs: UInt32(max(100, configuration.heartbeatTimeoutSeconds * 1000 / 3)),
            maxLeaseWaitMs: configuration.maxLeaseWaitMs, maxRequestBytes: UInt64(64 << 20))
    }

    /// A long poll: claims the job due first, or waits (up to `waitMs`, capped) until one may be
    /// claimable (a job created or retried, a backoff over; a 1 s tick as a safety net).
    /// A poll whose connection closed (`pipeID` seen in a `.removed` pipe event) stops and claims
    /// nothing, so a worker killed while polling costs no job an attempt.
    func lease(_ request: LeaseJobRequest, pipeID: UInt32? = nil) async throws -> LeaseJobReply {
        guard !request.workerID.isEmpty else { throw RPCError(.invalidRequest, "worker_id must not be empty") }
        let wait = Duration.milliseconds(Int(min(request.waitMs, configuration.maxLeaseWaitMs)))
        let deadline = ContinuousClock.now + wait
        while true {
            let generation = wakeup.generation
            if isDraining { return LeaseJobReply(assignment: nil, retryAfterMs: 1000) }
            if Task.isCancelled || (pipeID.map { id in runtime.withLock { $0.closedPipes.contains(id) } } ?? false) {
                return LeaseJobReply(assignment: nil, retryAfterMs: 0)
            }
            if let job = try await jobs.jobClaimNext(workerID: request.workerID) {
                if let assignment = try await assignment(for: job, worker: request.workerID) {
                    return LeaseJobReply(assignment: assignment)
                }
                continue
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return LeaseJobReply(assignment: nil, retryAfterMs: 0) }
            await wakeup.wait(after: generation, timeout: min(remaining, .seconds(1)))
        }
    }

    /// The assignment for a claimed job: raw bytes inline up to the inline limit, else the path on the
    /// shared data directory. A raw file that is missing fails the attempt (retryable) and returns nil.
    private func assignment(for job: Job, worker: String) async throws -> JobAssignment? {
        var lifecycle = JobLifecycle(job: job)
        _ = lifecycle.leasedReceived(job.lease)
        let zones = self.zones
        let inlineLimit = configuration.inlineLimitBytes
        let source = try? await files.run { () -> RawSource? in
            guard let path = zones.rawFile(of: job) else { return nil }
            if job.sizeBytes <= inlineLimit { return RawSource(path: path, bytes: try zones.read(path: path)) }
            return RawSource(path: path, bytes: nil)
        }
        guard let source = source ?? nil else {
            logger.error(
                "raw file missing",
                metadata: ["job_id": "\(job.id)", "attempt": "\(job.attempt)", "file": "\(job.fileName)"])
            let outcome = try await jobs.jobRecordFailure(job.lease, error: "raw_file_missing", kind: .retryable)
            await performFailure(&lifecycle, outcome, reason: "raw_file_missing", jobID: job.id)
            return nil
        }
        logger.info(
            "job leased",
            metadata: [
                "job_id": "\(job.id)", "attempt": "\(job.attempt)", "worker": "\(worker)", "file": "\(job.fileName)",
                "inline": "\(source.bytes != nil)",
            ])
        return JobAssignment(
            job: job.lease, fileName: job.fileName, fileSHA256: job.sha256.map { String(format: "%02x", $0) }.joined(),
            fileSize: UInt64(job.sizeBytes), content: source.bytes ?? [],
            sourcePath: source.bytes == nil ? source.path : "",
            settings: configuration.settings, leaseTimeoutMs: UInt32(configuration.heartbeatTimeoutSeconds * 1000))
    }

    /// Extends the named attempts' leases; answers with the ones the worker must drop.
    func heartbeat(_ request: HeartbeatRequest) async throws -> HeartbeatReply {
        guard !request.workerID.isEmpty else { throw RPCError(.invalidRequest, "worker_id must not be empty") }
        let cancel = try await jobs.workerHeartbeat(workerID: request.workerID, leases: request.inFlight.map(\.job))
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        runtime.withLock {
            $0.workers[request.workerID]?.lastHeartbeatUs = now
            $0.workers[request.workerID]?.inFlight = request.inFlight.map(\.job)
        }
        for lease in cancel {
            logger.info(
                "attempt cancelled",
                metadata: ["job_id": "\(lease.jobID)", "attempt": "\(lease.attempt)", "worker": "\(request.workerID)"])
        }
        return HeartbeatReply(cancel: cancel)
    }
}

private struct RawSource: Sendable {
    var path: String
    var bytes: [UInt8]?
}
