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

    init(
        pool: ConnectionPool, afterCopyChunk: @escaping @Sendable (_ backendPID: Int32, _ bytesSent: Int) throws -> Void
    ) {
        self.pool = pool
        self.afterCopyChunk = afterCopyChunk
    }

    /// Commits one attempt's readings in one transaction (R-H-3): fence check, readings loaded by
    /// binary COPY so that the higher job id wins for every instant whatever the commit order
    /// (R-H-1), the rollup of every touched (meter, hour) brought up to date (R-H-2), and the
    /// job's `succeeded` state — or nothing at all.
    ///
    /// New instants and new rollup rows go in by binary COPY; only instants and hours that are
    /// already stored pay for a keyed update (see ``load(_:shape:rowHourStart:jobID:_:)``).
    /// Runs at REPEATABLE READ, so a concurrent commit that invalidates what this one read makes
    /// one of them fail (serialisation failure, deadlock or unique violation) and re-run.
    /// - Throws: ``HotStoreError`` for a malformed batch; ``PostgresError`` when the server or the
    ///   connection fails (a sink error: nothing was committed); ``StoreError/jobNotFound(_:)``.
    public func commit(_ params: HotCommitParams) throws -> HotCommitResult {
        let batch = params.readings
        let shape = try BatchShape(batch)
        let interpolated = batch.quality.reduce(0) { $0 + ($1 == .interpolated ? 1 : 0) }
        let jobID = PostgresValue.int(params.lease.jobID)
        var runs = 0
        return try pool.withTransaction(.repeatableRead, maxAttempts: 12, retryIf: { $0.isUniqueViolation }) { c in
            runs += 1
            // Without these the planner may hash-join a batch against all of readings once it is
            // large, so every load slows as the table grows (notes/postgres.md).
            // Memoize only adds a cache miss per probe here: every key is probed once.
            try c.execute(
                unsafeSQL: "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_memoize = off")
            let job = try c.query("SELECT attempt, state::text AS state FROM jobs WHERE id = $1 FOR UPDATE", [jobID])
            guard !job.isEmpty else { throw StoreError.jobNotFound(params.lease.jobID) }
            let currentAttempt = Int32(try job.row(0).int("attempt"))
            let stateText = try job.row(0).string("state")
            guard let state = JobState(rawValue: stateText) else {
                throw StoreError.corruptRow("job state \(stateText)")
            }
            guard currentAttempt == params.lease.attempt, state == .running else {
                return .fenced(currentAttempt: currentAttempt, state: state)
            }
            try JobTransitions.lockLease(params.lease, c)
            if let original = try succeededTwin(of: jobID, c) {
                try JobTransitions.markDuplicate(params.lease, original: original, c)
                return .duplicate(of: original)
            }
            var stats = HotCommitStats(inserted: batch.count, replaced: 0, keptNewer: 0, transactionRuns: runs)
            if !batch.isEmpty {
                let rowHourStart = try hourStarts(batch, shape, c)
                stats = try load(batch, shape: shape, rowHourStart: rowHourStart, jobID: params.lease.jobID, c)
                stats.transactionRuns = runs
            }
            try JobTransitions.markSucceeded(
                params.lease, storedRows: batch.count, interpolatedRows: interpolated,
                rejectCounts: params.rejectCounts, c)
            return .committed(stats)
        }
    }

    /// The grid-hour start of every row, asked of PostgreSQL once per distinct instant so the
    /// store and any SQL over `readings` agree on the time zone rules.
    private func hourStarts(_ batch: ReadingBatch, _ shape: BatchShape, _ c: PostgresConnection) throws -> [Int64] {
        let result = try c.query(
            """
            SELECT gs_to_unix_micros(gs_hour_start(u.ts,
                       (SELECT value FROM store_settings WHERE key = 'grid_time_zone'))) AS hour_start
            FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(ts, n)
            ORDER BY u.n
            """, [.timestampArray(unixMicros: shape.distinctTs)])
        guard result.rows.count == shape.distinctTs.count else {
            throw StoreError.corruptRow("hour starts: asked \(shape.distinctTs.count), got \(result.rows.count)")
        }
        var hourOf: [Int64: Int64] = [:]
        hourOf.reserveCapacity(shape.distinctTs.count)
        for (ts, row) in zip(shape.distinctTs, result.rows) {
            guard let text = row[0], let hour = Int64(text) else { throw StoreError.corruptRow("hour start \(row)") }
            hourOf[ts] = hour
        }
        return batch.ts.map { hourOf[$0] ?? Int64.min }
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
}
