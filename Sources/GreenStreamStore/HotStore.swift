import GreenStreamCore
import Postgres

/// The hot store (SPEC §6): `readings`, the per-meter hourly rollup behind `grid_hourly`, and
/// the exactly-once commit of a job's output.
///
/// Calls block the calling thread on PostgreSQL; the store is safe to share between threads.
public final class HotStore: Sendable {
    public let pool: ConnectionPool
    /// Test seam: called after each COPY chunk with the backend pid and bytes sent so far.
    let afterCopyChunk: (@Sendable (_ backendPID: Int32, _ bytesSent: Int) throws -> Void)?

    public init(pool: ConnectionPool) {
        self.pool = pool
        self.afterCopyChunk = nil
    }

    init(pool: ConnectionPool, afterCopyChunk: @escaping @Sendable (_ backendPID: Int32, _ bytesSent: Int) throws -> Void) {
        self.pool = pool
        self.afterCopyChunk = afterCopyChunk
    }

    /// Commits one attempt's readings in one transaction (R-H-3): fence check, binary COPY into
    /// a staging table, a keyed insert of new instants, an update of instants stored by lower job
    /// ids (the higher job id wins whatever the commit order, R-H-1), the rollup deltas for every
    /// touched (meter, hour) (R-H-2), and the job's `succeeded` state.
    ///
    /// Runs at REPEATABLE READ so the stored values the rollup deltas subtract cannot change
    /// underneath; a concurrent commit touching the same rows makes one of them fail with a
    /// serialisation failure or deadlock, and that one is re-run from the start.
    /// - Throws: ``HotStoreError`` for a malformed batch; ``PostgresError`` when the server or the
    ///   connection fails (a sink error: nothing was committed); ``StoreError/jobNotFound(_:)``.
    public func commit(_ params: HotCommitParams) throws -> HotCommitResult {
        let data = try Self.encodeStaging(params.readings)
        let interpolated = params.readings.quality.reduce(0) { $0 + ($1 == .interpolated ? 1 : 0) }
        let rejected = params.rejectCounts.values.reduce(0, +)
        let jobID = PostgresValue.int(params.lease.jobID)
        let attempt = PostgresValue.int(Int64(params.lease.attempt))
        var runs = 0
        return try pool.withTransaction(.repeatableRead, maxAttempts: 12, retryIf: { $0.isUniqueViolation }) { c in
            runs += 1
            // Without these the planner may hash-join staging against all of readings once it is
            // large, so every load slows as the table grows (notes/postgres.md).
            try c.execute(unsafeSQL: "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
            let job = try c.query(
                "SELECT attempt, state::text AS state FROM jobs WHERE id = $1 FOR UPDATE", [jobID])
            guard !job.isEmpty else { throw StoreError.jobNotFound(params.lease.jobID) }
            let currentAttempt = Int32(try job.row(0).int("attempt"))
            let stateText = try job.row(0).string("state")
            guard let state = JobState(rawValue: stateText) else { throw StoreError.corruptRow("job state \(stateText)") }
            guard currentAttempt == params.lease.attempt, state == .running else {
                return .fenced(currentAttempt: currentAttempt, state: state)
            }
            if let original = try succeededTwin(of: jobID, c) {
                try markDuplicate(jobID: jobID, attempt: attempt, original: original, c)
                return .duplicate(of: original)
            }

            try c.execute(unsafeSQL: Self.createStagingSQL)
            let pid = c.backendPID
            try c.copyIn(Self.copyStagingSQL, data: data, afterChunk: afterCopyChunk.map { hook in { try hook(pid, $0) } })
            let collisions = try c.query(
                """
                UPDATE gs_staging_readings s SET old_kw = r.kw, old_job = r.job_id
                FROM readings r WHERE r.meter_id = s.meter_id AND r.ts = s.ts
                """
            ).affectedRows
            let inserted = try c.query(
                """
                INSERT INTO readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id)
                SELECT meter_id, ts, kw, quality, hour_of_day, is_peak_window, $1
                FROM gs_staging_readings WHERE old_job IS NULL
                """, [jobID]
            ).affectedRows
            let replaced = try c.query(
                """
                UPDATE readings r
                SET kw = s.kw, quality = s.quality, hour_of_day = s.hour_of_day,
                    is_peak_window = s.is_peak_window, job_id = $1
                FROM gs_staging_readings s
                WHERE s.old_job < $1 AND r.meter_id = s.meter_id AND r.ts = s.ts
                """, [jobID]
            ).affectedRows
            try c.query(
                """
                INSERT INTO meter_hourly AS m (meter_id, hour_start, kw_sum, readings)
                SELECT meter_id,
                       gs_hour_start(ts, (SELECT value FROM store_settings WHERE key = 'grid_time_zone')),
                       sum(kw - coalesce(old_kw, 0)), count(*) FILTER (WHERE old_job IS NULL)
                FROM gs_staging_readings
                WHERE old_job IS NULL OR old_job < $1
                GROUP BY 1, 2
                ON CONFLICT (meter_id, hour_start) DO UPDATE
                SET kw_sum = m.kw_sum + excluded.kw_sum, readings = m.readings + excluded.readings
                """, [jobID])
            try c.query(
                """
                UPDATE jobs SET state = 'succeeded', stored_rows = $2, interpolated_rows = $3, rejected_rows = $4,
                                reject_counts = $5::jsonb, lease_expires_at = NULL, finished_at = now(), updated_at = now()
                WHERE id = $1
                """,
                [jobID, .int(Int64(params.readings.count)), .int(Int64(interpolated)), .int(Int64(rejected)),
                 .text(RejectCounts.encode(params.rejectCounts))])
            try closeAttempt(jobID: jobID, attempt: attempt, outcome: "succeeded", c)
            return .committed(
                HotCommitStats(inserted: inserted, replaced: replaced, keptNewer: collisions - replaced, transactionRuns: runs))
        }
    }

    /// The succeeded job with the same content, if any (R-J-2).
    private func succeededTwin(of jobID: PostgresValue, _ c: PostgresConnection) throws -> Int64? {
        let twin = try c.query(
            """
            SELECT o.id FROM jobs j JOIN jobs o ON o.sha256 = j.sha256
            WHERE j.id = $1 AND o.state = 'succeeded' AND o.id <> j.id
            LIMIT 1
            """, [jobID])
        return twin.isEmpty ? nil : try twin.row(0).int("id")
    }

    private func markDuplicate(jobID: PostgresValue, attempt: PostgresValue, original: Int64, _ c: PostgresConnection) throws {
        try c.query(
            """
            UPDATE jobs SET state = 'duplicate', duplicate_of = $2, lease_expires_at = NULL,
                            finished_at = now(), updated_at = now()
            WHERE id = $1
            """, [jobID, .int(original)])
        try closeAttempt(jobID: jobID, attempt: attempt, outcome: "duplicate", c)
    }

    private func closeAttempt(jobID: PostgresValue, attempt: PostgresValue, outcome: String, _ c: PostgresConnection) throws {
        try c.query(
            "UPDATE job_attempts SET ended_at = now(), outcome = $3 WHERE job_id = $1 AND attempt = $2",
            [jobID, attempt, .text(outcome)])
    }
}
