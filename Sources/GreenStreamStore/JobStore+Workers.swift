import Foundation
import GreenStreamCore
import Postgres

/// A worker as the coordinator last heard of it.
public struct WorkerRecord: Sendable, Equatable {
    public var id: String
    public var firstSeenAt: Date
    public var lastHeartbeatAt: Date
    /// The attempt it reported working on, if any.
    public var currentLease: JobLease?
}

extension JobStore {
    /// Records a worker heartbeat, optionally for the attempt it is running. Touches only the
    /// workers table: job rows are never rewritten by heartbeats (R-J-9).
    public func workerHeartbeat(workerID: String, lease: JobLease?) throws {
        guard !workerID.isEmpty else { throw StoreError.invalidParameter("worker id must be non-empty") }
        try pool.withConnection { c in
            try c.query(
                """
                INSERT INTO workers (id, last_heartbeat_at, current_job_id, current_attempt)
                VALUES ($1, now(), $2, $3)
                ON CONFLICT (id) DO UPDATE
                SET last_heartbeat_at = now(), current_job_id = excluded.current_job_id,
                    current_attempt = excluded.current_attempt
                """,
                [
                    .text(workerID), lease.map { .int($0.jobID) } ?? .null,
                    lease.map { .int(Int64($0.attempt)) } ?? .null,
                ])
        }
    }

    /// Every known worker, most recently heard from first.
    public func workerList() throws -> [WorkerRecord] {
        let result = try pool.withConnection { c in
            try c.query(
                """
                SELECT id, extract(epoch FROM first_seen_at)::float8 AS first_seen_at,
                       extract(epoch FROM last_heartbeat_at)::float8 AS last_heartbeat_at,
                       current_job_id, current_attempt
                FROM workers ORDER BY last_heartbeat_at DESC, id
                """)
        }
        return try result.allRows.map { row in
            var lease: JobLease?
            if let job = try row.optionalInt("current_job_id"), let attempt = try row.optionalInt("current_attempt") {
                lease = JobLease(jobID: job, attempt: Int32(attempt))
            }
            return WorkerRecord(
                id: try row.string("id"),
                firstSeenAt: Date(timeIntervalSince1970: try row.double("first_seen_at")),
                lastHeartbeatAt: Date(timeIntervalSince1970: try row.double("last_heartbeat_at")),
                currentLease: lease)
        }
    }
}
