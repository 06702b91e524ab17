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
    /// Where ``resolveCommitOutcome(lease:)`` connects; the pool's URL unless a test says otherwise.
    let resolveURL: String
    /// Retention window and partitions made ahead (``HotStoreSettings``).
    public let settings: HotStoreSettings

    /// - Parameter settings: retention (default: keep everything) and partitions made ahead.
    public init(pool: ConnectionPool, settings: HotStoreSettings = HotStoreSettings()) {
        self.pool = pool
        self.afterCopyChunk = nil
        self.resolveURL = pool.url
        self.settings = settings
    }

    init(
        pool: ConnectionPool, settings: HotStoreSettings = HotStoreSettings(),
        afterCopyChunk: @escaping @Sendable (_ backendPID: Int32, _ bytesSent: Int) throws -> Void
    ) {
        self.pool = pool
        self.afterCopyChunk = afterCopyChunk
        self.resolveURL = pool.url
        self.settings = settings
    }

    /// Test seam: a store whose commit-outcome resolution connects to `resolveURL`.
    init(pool: ConnectionPool, resolveURL: String) {
        self.pool = pool
        self.afterCopyChunk = nil
        self.resolveURL = resolveURL
        self.settings = HotStoreSettings()
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
    ///
    /// The day partitions the batch needs (and those of the next few days) are created first, in
    /// transactions of their own: DDL never runs inside the commit. With a retention window
    /// (``HotStoreSettings/retentionDays``), readings whose grid hour starts before its first day
    /// are not loaded; the job still succeeds and ``HotCommitStats/beyondRetention`` counts them.
    ///
    /// When the connection dies during COMMIT the transaction may or may not have committed. The
    /// commit then asks the database on a fresh connection (``resolveCommitOutcome(lease:)``) and
    /// returns what really happened: the committed result, or the connection error when nothing
    /// was committed; ``HotCommitResult/unknown`` only when the server cannot be reached.
    /// - Throws: ``HotStoreError`` for a malformed batch; ``PostgresError`` when the server or the
    ///   connection fails (a sink error: nothing was committed); ``StoreError/jobNotFound(_:)``.
    public func commit(_ params: HotCommitParams) throws -> HotCommitResult {
        let batch = params.readings
        let shape = try BatchShape(batch)
        let now = settings.now()
        let firstKeptDay = settings.retentionDays.map { HotStoreRetention.firstKeptDay(retentionDays: $0, now: now) }
        try preparePartitions(shape, firstKeptDay: firstKeptDay, now: now)
        let result: HotCommitResult
        do {
            result = try commitTransaction(params, shape, firstKeptDay: firstKeptDay)
        } catch let error as PostgresError where error.isMissingPartition {
            // A partition went between preparePartitions and the COPY (a retention drop with a
            // shorter window than ours); nothing was committed. Once more, after creating it.
            try preparePartitions(shape, firstKeptDay: firstKeptDay, now: now)
            result = try commitTransaction(params, shape, firstKeptDay: firstKeptDay)
        }
        // A day's next commit must not plan on statistics taken before this one's rows were
        // there (HotStore+Statistics.swift): ANALYZE the partitions whose estimate is far off.
        refreshStatistics(after: result, ReadingBatchDays(batch))
        return result
    }

    /// The commit transaction, re-run on conflicts, and the outcome of a lost COMMIT.
    private func commitTransaction(_ params: HotCommitParams, _ shape: BatchShape, firstKeptDay: Int64?) throws
        -> HotCommitResult
    {
        var runs = 0
        // What the last transaction run would have committed, for a COMMIT whose answer is lost.
        var pending: HotCommitResult?
        do {
            return try pool.withTransaction(.repeatableRead, maxAttempts: 12, retryIf: { $0.isUniqueViolation }) {
                runs += 1
                pending = nil
                let result = try commitRun(params, shape, firstKeptDay: firstKeptDay, runs: runs, $0)
                pending = result
                return result
            }
        } catch let error as PostgresError where error.isCommitOutcomeUnknown {
            guard let pending else { throw error }
            // A fenced run wrote nothing, so whether its COMMIT went through does not matter.
            if case .fenced = pending { return pending }
            switch try? resolveCommitOutcome(lease: params.lease) {
            case .committed?: return pending
            case .notCommitted?: throw error
            case nil: return .unknown
            }
        }
    }

    /// One run of the commit transaction's body.
    private func commitRun(
        _ params: HotCommitParams, _ shape: BatchShape, firstKeptDay: Int64?, runs: Int, _ c: PostgresConnection
    ) throws -> HotCommitResult {
        let batch = params.readings
        let interpolated = batch.quality.reduce(0) { $0 + ($1 == .interpolated ? 1 : 0) }
        let jobID = PostgresValue.int(params.lease.jobID)
        do {  // (a plain block: the body keeps the indentation of the closure it used to be)
            // Without these the planner may hash-join a batch against all of readings once it is
            // large, so every load slows as the table grows (notes/postgres.md).
            // Memoize only adds a cache miss per probe here: every key is probed once.
            // Day partitions add a second trap: a partition just filled and not yet analyzed looks
            // tiny, and the planner then scans it once into a Materialize node and compares every
            // batch meter with every row (a 100 k-row correction DELETE took 30–36 s instead of
            // 0.2 s in bench-hotstore). Every statement here is meant as index probes per key.
            // JIT compiles each 100 k-row statement for 150–250 ms and wins nothing back.
            // Stored kW values must come back as text that reads back to the same double
            // (the rollup subtracts exactly what was added), whatever the server's default.
            try c.execute(
                unsafeSQL: """
                    SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_memoize = off;
                    SET LOCAL enable_seqscan = off; SET LOCAL enable_material = off;
                    SET LOCAL jit = off; SET LOCAL extra_float_digits = 3
                    """)
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
                var rowHourStart = try hourStarts(batch, shape, c)
                var kept = batch
                var keptShape = shape
                if let firstKeptDay {
                    let edge = firstKeptDay * HotStoreRetention.microsPerDay
                    if rowHourStart.contains(where: { $0 < edge }) {
                        (kept, rowHourStart) = Self.keep(batch, rowHourStart, hourStartingAtOrAfter: edge)
                        keptShape = try BatchShape(kept)
                    }
                }
                if kept.isEmpty {
                    stats = HotCommitStats(inserted: 0, replaced: 0, keptNewer: 0, transactionRuns: runs)
                } else {
                    stats = try load(kept, shape: keptShape, rowHourStart: rowHourStart, jobID: params.lease.jobID, c)
                    stats.transactionRuns = runs
                }
                stats.beyondRetention = batch.count - kept.count
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

    /// The rows of `batch` whose grid hour starts at or after `edge` (Unix µs), with their hour starts.
    static func keep(_ batch: ReadingBatch, _ hourStart: [Int64], hourStartingAtOrAfter edge: Int64)
        -> (ReadingBatch, [Int64])
    {
        var kept = ReadingBatch()
        var keptHours: [Int64] = []
        for i in 0..<batch.count where hourStart[i] >= edge {
            kept.append(
                meterID: batch.meterID[i], ts: batch.ts[i], kw: batch.kw[i], quality: batch.quality[i],
                hourOfDay: batch.hourOfDay[i], isPeakWindow: batch.isPeakWindow[i])
            keptHours.append(hourStart[i])
        }
        return (kept, keptHours)
    }

    /// Creates, outside the commit transaction, the partitions the batch's readings and their
    /// rollup hours fall in, and today's and the next ``HotStoreSettings/partitionDaysAhead``
    /// days', skipping days before the retention window. One catalog query when all exist.
    private func preparePartitions(_ shape: BatchShape, firstKeptDay: Int64?, now: Int64) throws {
        let today = HotStoreRetention.floorDiv(now, HotStoreRetention.secondsPerDay)
        var wanted = Set(today...(today + Int64(max(0, settings.partitionDaysAhead))))
        if !shape.distinctTs.isEmpty {
            try pool.withConnection { c in
                // The UTC days of the instants and of their grid hours' starts, which lie in the
                // day before for the first readings after midnight in a +05:30 or +05:45 zone.
                let days = try c.query(
                    """
                    SELECT DISTINCT (d - date '1970-01-01')::bigint AS day FROM (
                        SELECT (u.ts AT TIME ZONE 'UTC')::date AS d FROM unnest($1::timestamptz[]) AS u(ts)
                        UNION
                        SELECT (gs_hour_start(u.ts, (SELECT value FROM store_settings WHERE key = 'grid_time_zone'))
                                AT TIME ZONE 'UTC')::date
                        FROM unnest($1::timestamptz[]) AS u(ts)
                    ) days
                    """, [.timestampArray(unixMicros: shape.distinctTs)])
                for row in days.allRows { wanted.insert(try row.int("day")) }
            }
        }
        if let firstKeptDay { wanted = wanted.filter { $0 >= firstKeptDay } }
        try pool.withConnection { c in
            let missing = try missingDays(wanted.sorted(), c)
            try ensureDays(missing, c)
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
}
