import GreenStreamCore
import Postgres

/// The `async` twins of every JobStore entry point: each runs its synchronous namesake on the
/// pool's store threads (``ConnectionPool/threads``), so a caller in Swift concurrency (an RPC
/// handler, the dispatcher) never blocks a cooperative thread on PostgreSQL, a sleeping
/// reconnect or a wait for a free connection. In an async context Swift picks these overloads.
extension JobStore {
    /// See ``jobCreate(_:relanding:)``.
    public func jobCreate(_ params: JobCreateParams, relanding: Bool = false) async throws -> (job: Job, created: Bool) {
        let result = try await pool.threads.run {
            let r = try self.jobCreate(params, relanding: relanding)
            return Created(r.job, r.created)
        }
        return (result.job, result.created)
    }

    /// See ``jobClaimNext(workerID:)``.
    public func jobClaimNext(workerID: String) async throws -> Job? {
        try await pool.threads.run { try self.jobClaimNext(workerID: workerID) }
    }

    /// See ``jobRecordFailure(_:error:kind:)``.
    public func jobRecordFailure(_ lease: JobLease, error: String, kind: JobFailureKind) async throws
        -> JobFailureOutcome
    {
        try await pool.threads.run { try self.jobRecordFailure(lease, error: error, kind: kind) }
    }

    /// See ``jobRescueLost()``.
    public func jobRescueLost() async throws -> [(lease: JobLease, outcome: JobFailureOutcome)] {
        let rescued = try await pool.threads.run {
            try self.jobRescueLost().map { Rescued(lease: $0.lease, outcome: $0.outcome) }
        }
        return rescued.map { ($0.lease, $0.outcome) }
    }

    /// See ``jobRetry(id:)``.
    @discardableResult
    public func jobRetry(id: Int64) async throws -> Job {
        try await pool.threads.run { try self.jobRetry(id: id) }
    }

    /// See ``jobList(state:limit:beforeID:)``.
    public func jobList(state: JobState? = nil, limit: Int = 50, beforeID: Int64? = nil) async throws -> JobPage {
        try await pool.threads.run { try self.jobList(state: state, limit: limit, beforeID: beforeID) }
    }

    /// See ``jobShow(id:)``.
    public func jobShow(id: Int64) async throws -> JobDetail? {
        try await pool.threads.run { try self.jobShow(id: id) }
    }

    /// See ``jobCountsByState()``.
    public func jobCountsByState() async throws -> [JobState: Int64] {
        try await pool.threads.run { try self.jobCountsByState() }
    }

    /// See ``workerHeartbeat(workerID:leases:)``.
    @discardableResult
    public func workerHeartbeat(workerID: String, leases: [JobLease]) async throws -> [JobLease] {
        try await pool.threads.run { try self.workerHeartbeat(workerID: workerID, leases: leases) }
    }

    /// See ``workerList()``.
    public func workerList() async throws -> [WorkerRecord] {
        try await pool.threads.run { try self.workerList() }
    }
}

/// Tuples are not `Sendable`-checked across the continuation; these carry them instead.
private struct Created: Sendable {
    var job: Job
    var created: Bool
    init(_ job: Job, _ created: Bool) {
        self.job = job
        self.created = created
    }
}

private struct Rescued: Sendable {
    var lease: JobLease
    var outcome: JobFailureOutcome
}
