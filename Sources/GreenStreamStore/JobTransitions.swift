import GreenStreamCore
import Postgres

/// The one owner of how an attempt ends (R-J-2, R-J-3, R-J-8). Every way out of `running`
/// (success, duplicate, failure, rescue) goes through here, inside the caller's transaction,
/// so the job row, its attempt history row and its lease always change together.
///
/// Callers lock the job row (`SELECT … FOR UPDATE`) and check the lease before calling; the
/// job row is always locked before the lease row, the order every transition and the rescuer
/// share, so they never deadlock.
enum JobTransitions {
    /// The job row locked for a transition.
    struct LockedJob {
        var attempt: Int32
        var state: JobState
        var maxAttempts: Int32

        /// Whether `lease` names the job's current, running attempt (R-J-4).
        func isCurrent(_ lease: JobLease) -> Bool { attempt == lease.attempt && state == .running }
    }

    /// Locks the job row for a transition.
    /// - Parameter skipLocked: return nil instead of waiting when another transaction holds it.
    /// - Throws: ``StoreError/jobNotFound(_:)``.
    static func lock(jobID: Int64, skipLocked: Bool = false, _ c: PostgresConnection) throws -> LockedJob? {
        let sql =
            skipLocked
            ? "SELECT attempt, max_attempts, state::text AS state FROM jobs WHERE id = $1 FOR UPDATE SKIP LOCKED"
            : "SELECT attempt, max_attempts, state::text AS state FROM jobs WHERE id = $1 FOR UPDATE"
        let result = try c.query(sql, [.int(jobID)])
        guard !result.isEmpty else {
            if skipLocked { return nil }
            throw StoreError.jobNotFound(jobID)
        }
        let row = result.row(0)
        let stateText = try row.string("state")
        guard let state = JobState(rawValue: stateText) else { throw StoreError.corruptRow("job state \(stateText)") }
        return LockedJob(
            attempt: Int32(try row.int("attempt")), state: state, maxAttempts: Int32(try row.int("max_attempts")))
    }

    /// Locks the attempt's lease row for the rest of the transaction, taken right after the job
    /// row by a transition that runs long (a hot commit). Heartbeats skip a locked lease instead
    /// of waiting, so they neither stall behind the commit nor change the row under it (which
    /// would make a REPEATABLE READ commit fail at its end and re-run).
    static func lockLease(_ lease: JobLease, _ c: PostgresConnection) throws {
        try c.query(
            "SELECT 1 FROM attempt_leases WHERE job_id = $1 AND attempt = $2 FOR UPDATE",
            [.int(lease.jobID), .int(Int64(lease.attempt))])
    }

    /// The attempt `lease` committed its readings: the job is `succeeded` with its counts (R-J-5).
    static func markSucceeded(
        _ lease: JobLease, storedRows: Int, interpolatedRows: Int, rejectCounts: [RejectReason: Int],
        _ c: PostgresConnection
    ) throws {
        try c.query(
            """
            UPDATE jobs SET state = 'succeeded', stored_rows = $2, interpolated_rows = $3, rejected_rows = $4,
                            reject_counts = $5::jsonb, finished_at = now(), updated_at = now()
            WHERE id = $1
            """,
            [
                .int(lease.jobID), .int(Int64(storedRows)), .int(Int64(interpolatedRows)),
                .int(Int64(rejectCounts.values.reduce(0, +))), .text(RejectCounts.encode(rejectCounts)),
            ])
        try closeAttempt(lease, outcome: "succeeded", error: nil, c)
    }

    /// Another job with the same content already succeeded: this one is `duplicate` (R-J-2).
    static func markDuplicate(_ lease: JobLease, original: Int64, _ c: PostgresConnection) throws {
        try c.query(
            """
            UPDATE jobs SET state = 'duplicate', duplicate_of = $2, finished_at = now(), updated_at = now()
            WHERE id = $1
            """, [.int(lease.jobID), .int(original)])
        try closeAttempt(lease, outcome: "duplicate", error: nil, c)
    }

    /// The attempt `lease` of the locked job `job` failed (R-J-3): a permanent failure, or a
    /// failure of the last budgeted attempt, quarantines; otherwise the job waits in `retrying`.
    /// - Parameter jitter: the draw in `0..<1` that scales the policy's ceiling.
    static func recordFailure(
        _ lease: JobLease, of job: LockedJob, error: String, kind: JobFailureKind, policy: RetryPolicy,
        jitter: Double, _ c: PostgresConnection
    ) throws -> JobFailureOutcome {
        guard job.isCurrent(lease) else { return .fenced }
        let outcome: JobFailureOutcome
        if kind == .permanent || job.attempt >= job.maxAttempts {
            try c.query(
                """
                UPDATE jobs SET state = 'quarantined', last_error = $2, finished_at = now(), updated_at = now()
                WHERE id = $1
                """, [.int(lease.jobID), .text(error)])
            outcome = .quarantined
        } else {
            let delay = policy.delay(afterAttempt: Int(job.attempt), unit: jitter)
            let next = try c.query(
                """
                UPDATE jobs SET state = 'retrying', last_error = $2,
                                next_attempt_at = now() + make_interval(secs => $3), updated_at = now()
                WHERE id = $1
                RETURNING extract(epoch FROM next_attempt_at)::float8 AS next_attempt_at
                """, [.int(lease.jobID), .text(error), .double(delay)])
            outcome = .retrying(nextAttemptAt: try next.row(0).double("next_attempt_at"))
        }
        try closeAttempt(lease, outcome: kind == .permanent ? "permanent_failure" : "failed", error: error, c)
        return outcome
    }

    /// Ends the attempt's history row (R-J-8) and drops its lease, so no heartbeat can extend it
    /// and the rescuer no longer considers it.
    static func closeAttempt(_ lease: JobLease, outcome: String, error: String?, _ c: PostgresConnection) throws {
        let key: [PostgresValue] = [.int(lease.jobID), .int(Int64(lease.attempt))]
        try c.query(
            "UPDATE job_attempts SET ended_at = now(), outcome = $3, error = $4 WHERE job_id = $1 AND attempt = $2",
            key + [.text(outcome), error.postgresValue])
        try c.query("DELETE FROM attempt_leases WHERE job_id = $1 AND attempt = $2", key)
    }
}
