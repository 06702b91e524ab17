import Foundation
import GreenStreamCore
import Postgres

/// A worker as the coordinator last heard of it.
public struct WorkerRecord: Sendable, Equatable {
    public var id: String
    public var firstSeenAt: Date
    public var lastHeartbeatAt: Date
    /// The attempts it is running (each with a live or not yet rescued lease), by job id.
    public var runningAttempts: [JobLease]
}

extension JobStore {
    /// Records a heartbeat from `workerID` for the attempts it is running (R-J-3). Each named
    /// attempt that is still that worker's current, running attempt gets its lease extended by
    /// the heartbeat timeout; the others (ended, fenced by a newer attempt, rescued, another
    /// worker's) are returned so the worker can drop them. Touches only `workers` and
    /// `attempt_leases`: job rows are never rewritten by heartbeats (R-J-9).
    ///
    /// An attempt whose lease has expired but that the rescuer has not yet failed is still
    /// current: the heartbeat proves the worker alive, and extends it. A lease whose row is
    /// locked by a transition in progress (a commit, the rescuer) is skipped, not waited for, and
    /// not reported: the transition decides, and the next heartbeat learns the outcome. So a
    /// heartbeat never stalls behind a long commit, and a rescuer that got the row first wins,
    /// while one that comes second waits for the heartbeat and then finds the lease extended.
    /// - Parameters:
    ///   - leases: the attempts the worker runs; empty for an idle worker.
    /// - Returns: the named attempts that are no longer this worker's to run, by job id.
    @discardableResult
    public func workerHeartbeat(workerID: String, leases: [JobLease]) throws -> [JobLease] {
        guard !workerID.isEmpty else { throw StoreError.invalidParameter("worker id must be non-empty") }
        let result = try pool.withConnection { c in
            try c.query(
                Self.heartbeatSQL,
                [
                    .text(workerID), .int64Array(leases.map(\.jobID)), .int64Array(leases.map { Int64($0.attempt) }),
                    .double(configuration.heartbeatTimeoutSeconds),
                ])
        }
        return try result.allRows.map { JobLease(jobID: try $0.int("job_id"), attempt: Int32(try $0.int("attempt"))) }
    }

    /// The heartbeat (`$1` worker, `$2`/`$3` job ids and attempts, `$4` lease seconds): one
    /// statement, so the worker row, the extended leases and the answer agree. Reads `jobs`
    /// (to refuse attempts that are no longer running) but never writes it.
    static let heartbeatSQL = """
        WITH worker AS (
            INSERT INTO workers (id, last_heartbeat_at) VALUES ($1, now())
            ON CONFLICT (id) DO UPDATE SET last_heartbeat_at = now()
        ), named AS (
            SELECT DISTINCT job_id, attempt FROM unnest($2::bigint[], $3::bigint[]) AS n(job_id, attempt)
        ), current AS (
            SELECT l.job_id, l.attempt FROM attempt_leases l
            JOIN named n ON n.job_id = l.job_id AND n.attempt = l.attempt
            JOIN jobs j ON j.id = l.job_id AND j.attempt = l.attempt AND j.state = 'running'
            WHERE l.worker_id = $1
        ), free AS (
            SELECT l.job_id, l.attempt FROM attempt_leases l JOIN current c USING (job_id, attempt)
            FOR UPDATE OF l SKIP LOCKED
        ), extended AS (
            UPDATE attempt_leases l
            SET expires_at = now() + make_interval(secs => $4), last_heartbeat_at = now()
            FROM free f WHERE l.job_id = f.job_id AND l.attempt = f.attempt
        )
        SELECT n.job_id, n.attempt FROM named n
        WHERE NOT EXISTS (SELECT 1 FROM current c WHERE c.job_id = n.job_id AND c.attempt = n.attempt)
        ORDER BY n.job_id, n.attempt
        """

    /// Every known worker with the attempts it runs, most recently heard from first.
    public func workerList() throws -> [WorkerRecord] {
        let result = try pool.withConnection { c in
            try c.query(
                """
                SELECT w.id, extract(epoch FROM w.first_seen_at)::float8 AS first_seen_at,
                       extract(epoch FROM w.last_heartbeat_at)::float8 AS last_heartbeat_at,
                       l.job_id, l.attempt
                FROM workers w LEFT JOIN attempt_leases l ON l.worker_id = w.id
                ORDER BY w.last_heartbeat_at DESC, w.id, l.job_id, l.attempt
                """)
        }
        var workers: [WorkerRecord] = []
        for row in result.allRows {
            let id = try row.string("id")
            if workers.last?.id != id {
                workers.append(
                    WorkerRecord(
                        id: id, firstSeenAt: Date(timeIntervalSince1970: try row.double("first_seen_at")),
                        lastHeartbeatAt: Date(timeIntervalSince1970: try row.double("last_heartbeat_at")),
                        runningAttempts: []))
            }
            if let job = try row.optionalInt("job_id"), let attempt = try row.optionalInt("attempt") {
                workers[workers.count - 1].runningAttempts.append(JobLease(jobID: job, attempt: Int32(attempt)))
            }
        }
        return workers
    }
}
