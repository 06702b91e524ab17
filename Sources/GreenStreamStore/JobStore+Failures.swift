import Foundation
import GreenStreamCore
import Postgres

extension JobStore {
    /// Records that the attempt `lease` failed and decides what happens next (R-J-3):
    /// a permanent failure, or a failure of the last budgeted attempt, quarantines the job;
    /// otherwise it waits in `retrying` for an exponential, fully jittered, capped backoff.
    /// - Parameters:
    ///   - lease: the failed attempt; a stale lease changes nothing and returns `.fenced` (R-J-4).
    ///   - error: the reason, e.g. `worker_lost` or `missing_column:unit`.
    ///   - kind: retryable or permanent.
    public func jobRecordFailure(_ lease: JobLease, error: String, kind: JobFailureKind) throws -> JobFailureOutcome {
        try pool.withTransaction { c in
            let current = try c.query(
                "SELECT attempt, max_attempts, state::text AS state FROM jobs WHERE id = $1 FOR UPDATE",
                [.int(lease.jobID)])
            guard !current.isEmpty else { throw StoreError.jobNotFound(lease.jobID) }
            let row = current.row(0)
            let attempt = Int32(try row.int("attempt"))
            guard attempt == lease.attempt, try row.string("state") == JobState.running.rawValue else { return .fenced }
            let budgetSpent = attempt >= Int32(try row.int("max_attempts"))
            let outcome: JobFailureOutcome
            if kind == .permanent || budgetSpent {
                try c.query(
                    """
                    UPDATE jobs SET state = 'quarantined', last_error = $2, lease_expires_at = NULL,
                                    finished_at = now(), updated_at = now()
                    WHERE id = $1
                    """, [.int(lease.jobID), .text(error)])
                outcome = .quarantined
            } else {
                let delay = configuration.retryBackoff.randomDelay(attempt: Int(attempt))
                let next = try c.query(
                    """
                    UPDATE jobs SET state = 'retrying', last_error = $2, lease_expires_at = NULL,
                                    next_attempt_at = now() + make_interval(secs => $3), updated_at = now()
                    WHERE id = $1
                    RETURNING extract(epoch FROM next_attempt_at)::float8 AS next_attempt_at
                    """, [.int(lease.jobID), .text(error), .double(delay)])
                outcome = .retrying(nextAttemptAt: try next.row(0).double("next_attempt_at"))
            }
            try c.query(
                """
                UPDATE job_attempts SET ended_at = now(), outcome = $3, error = $4
                WHERE job_id = $1 AND attempt = $2
                """,
                [
                    .int(lease.jobID), .int(Int64(lease.attempt)),
                    .text(kind == .permanent ? "permanent_failure" : "failed"),
                    .text(error),
                ])
            return outcome
        }
    }

    /// Finds running jobs whose lease has expired and whose worker has not sent a heartbeat for
    /// that attempt within the heartbeat timeout, and records each as a `worker_lost` failure.
    /// A poison file that keeps killing workers thus ends quarantined with `worker_lost` (R-J-3).
    /// - Returns: each lost attempt with what became of its job.
    public func jobRescueLost() throws -> [(lease: JobLease, outcome: JobFailureOutcome)] {
        let lost = try pool.withConnection { c in
            try c.query(
                """
                SELECT j.id, j.attempt FROM jobs j
                LEFT JOIN workers w ON w.id = j.worker_id
                    AND w.current_job_id = j.id AND w.current_attempt = j.attempt
                    AND w.last_heartbeat_at >= now() - make_interval(secs => $1)
                WHERE j.state = 'running' AND j.lease_expires_at < now() AND w.id IS NULL
                ORDER BY j.id
                """, [.double(configuration.heartbeatTimeoutSeconds)])
        }
        var results: [(JobLease, JobFailureOutcome)] = []
        for row in lost.allRows {
            let lease = JobLease(jobID: try row.int("id"), attempt: Int32(try row.int("attempt")))
            results.append((lease, try jobRecordFailure(lease, error: "worker_lost", kind: .retryable)))
        }
        return results
    }

    /// Sends a quarantined job through again (R-J-6) with a fresh budget of `1 + retries`
    /// attempts; its history is kept.
    /// - Throws: ``StoreError/jobNotFound(_:)``, or ``StoreError/jobNotInState(id:expected:actual:)``
    ///   when it is not quarantined.
    @discardableResult
    public func jobRetry(id: Int64) throws -> Job {
        try pool.withConnection { c in
            let updated = try c.query(
                """
                UPDATE jobs SET state = 'pending', max_attempts = attempt + $2, next_attempt_at = now(),
                                finished_at = NULL, updated_at = now()
                WHERE id = $1 AND state = 'quarantined'
                RETURNING \(Job.columns)
                """, [.int(id), .int(Int64(1 + configuration.retries))])
            if !updated.isEmpty { return try Job(row: updated.row(0)) }
            let found = try c.query("SELECT state::text AS state FROM jobs WHERE id = $1", [.int(id)])
            guard !found.isEmpty else { throw StoreError.jobNotFound(id) }
            throw StoreError.jobNotInState(id: id, expected: "quarantined", actual: try found.row(0).string("state"))
        }
    }
}
