import GreenStreamCore

// Typed wrappers: one method per call of the worker and admin protocols.
extension RPCClient {
    /// `register_worker`.
    public func registerWorker(_ request: RegisterWorkerRequest) async throws -> RegisterWorkerReply {
        guard case .registerWorker(let r) = try await call(.registerWorker(request)) else {
            throw RPCClientError.unexpectedReply(call: "register_worker")
        }
        return r
    }

    /// `lease_job`: waits up to `request.waitMs` for a job (long poll).
    public func leaseJob(_ request: LeaseJobRequest) async throws -> LeaseJobReply {
        guard case .leaseJob(let r) = try await call(.leaseJob(request)) else {
            throw RPCClientError.unexpectedReply(call: "lease_job")
        }
        return r
    }

    /// `heartbeat`.
    public func heartbeat(_ request: HeartbeatRequest) async throws -> HeartbeatReply {
        guard case .heartbeat(let r) = try await call(.heartbeat(request)) else {
            throw RPCClientError.unexpectedReply(call: "heartbeat")
        }
        return r
    }

    /// `report_result`. Throws ``RPCError`` with code `staleAttempt` when fenced (R-J-4).
    public func reportResult(_ request: ReportResultRequest, requestID: String? = nil) async throws -> ReportResultReply
    {
        guard case .reportResult(let r) = try await call(.reportResult(request), requestID: requestID) else {
            throw RPCClientError.unexpectedReply(call: "report_result")
        }
        return r
    }

    /// `report_result` for a result of any size: splits it into parts no larger than
    /// `maxPartBytes` (default: the client's `maxRequestBytes`; pass the coordinator's
    /// `RegisterWorkerReply.maxRequestBytes`) and sends them in order.
    /// - Returns: the reply to the last part.
    public func reportResultInParts(_ request: ReportResultRequest, maxPartBytes: Int? = nil) async throws
        -> ReportResultReply
    {
        var last: ReportResultReply?
        for part in ResultParts.split(request, maxPartBytes: maxPartBytes ?? maxRequestBytes) {
            last = try await reportResult(part)
        }
        return last!
    }

    /// `list_jobs`.
    public func listJobs(_ request: ListJobsRequest) async throws -> ListJobsReply {
        guard case .listJobs(let r) = try await call(.listJobs(request)) else {
            throw RPCClientError.unexpectedReply(call: "list_jobs")
        }
        return r
    }

    /// `show_job`.
    public func showJob(id: Int64) async throws -> ShowJobReply {
        guard case .showJob(let r) = try await call(.showJob(ShowJobRequest(jobID: id))) else {
            throw RPCClientError.unexpectedReply(call: "show_job")
        }
        return r
    }

    /// `retry_jobs`.
    public func retryJobs(_ request: RetryJobsRequest) async throws -> RetryJobsReply {
        guard case .retryJobs(let r) = try await call(.retryJobs(request)) else {
            throw RPCClientError.unexpectedReply(call: "retry_jobs")
        }
        return r
    }

    /// `list_workers`.
    public func listWorkers() async throws -> ListWorkersReply {
        guard case .listWorkers(let r) = try await call(.listWorkers) else {
            throw RPCClientError.unexpectedReply(call: "list_workers")
        }
        return r
    }

    /// `ingest_file`.
    public func ingestFile(_ request: IngestFileRequest) async throws -> IngestFileReply {
        guard case .ingestFile(let r) = try await call(.ingestFile(request)) else {
            throw RPCClientError.unexpectedReply(call: "ingest_file")
        }
        return r
    }

    /// `stats`.
    public func stats() async throws -> StatsReply {
        guard case .stats(let r) = try await call(.stats) else { throw RPCClientError.unexpectedReply(call: "stats") }
        return r
    }

    /// `peak_hours`.
    public func peakHours(_ request: PeakHoursRequest) async throws -> PeakHoursReply {
        guard case .peakHours(let r) = try await call(.peakHours(request)) else {
            throw RPCClientError.unexpectedReply(call: "peak_hours")
        }
        return r
    }
}
