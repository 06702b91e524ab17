import Foundation
import GreenStreamCore
import Postgres

extension HotStore {
    /// Loads a validated, non-empty batch inside the commit transaction and returns what it did.
    ///
    /// 1. Read the stored readings inside each meter's first…last instant (one index range scan
    ///    per meter; nothing comes back for fresh data) and merge them with the batch (R-H-1).
    /// 2. Delete the stored readings a lower job id wrote at the batch's instants, then COPY the
    ///    new and the replacing readings straight into `readings` (the keyed-COPY rate); leave
    ///    instants a higher job id stored.
    /// 3. Apply the exact rollup deltas (R-H-2, ``DecimalSum``): update the (meter, hour) rows that
    ///    exist, COPY the rest.
    ///
    /// Everything read here comes from the REPEATABLE READ snapshot. If a concurrent commit
    /// changes it first, our delete or update fails with a serialisation failure, or our COPY with
    /// a unique violation, and the whole commit re-runs on a fresh snapshot.
    func load(_ batch: ReadingBatch, shape: BatchShape, rowHourStart: [Int64], jobID: Int64, _ c: PostgresConnection)
        throws -> HotCommitStats
    {
        let stored = try storedInRange(shape, c)
        let plan = RowPlan(batch: batch, shape: shape, stored: stored, jobID: jobID)
        var inserted = 0
        var replaced = 0
        for action in plan.actions {
            if action == .insert { inserted += 1 } else if action == .replace { replaced += 1 }
        }
        // A replaced reading is deleted and COPYed anew with the batch's new ones: an UPDATE
        // would write the same new tuple and index entry, but row by row and ~3× slower.
        if replaced > 0 {
            try deleteReplaced(batch, shape: shape, plan: plan, jobID: jobID, expected: replaced, c)
        }
        if inserted + replaced > 0 {
            let pid = c.backendPID
            let rows = (0..<batch.count).filter { plan.actions[$0] != .keep }
            try c.copyIn(
                "COPY readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id) FROM STDIN (FORMAT binary)",
                data: Self.encodeReadings(batch, rows: rows, jobID: jobID),
                afterChunk: afterCopyChunk.map { hook in { try hook(pid, $0) } })
        }
        try applyRollup(HourlyRollup(batch, rowHourStart: rowHourStart, shape: shape, plan: plan), c)
        return HotCommitStats(
            inserted: inserted, replaced: replaced, keptNewer: batch.count - inserted - replaced, transactionRuns: 1)
    }

    /// Deletes the stored readings the batch replaces. A meter whose every stored reading inside
    /// its range is replaced (a re-sent file) is cleared with one index range scan; other meters'
    /// readings are deleted by key. Both see only our snapshot: a row another commit changed
    /// since raises a serialisation failure, one it added makes our COPY fail; either re-runs.
    private func deleteReplaced(
        _ batch: ReadingBatch, shape: BatchShape, plan: RowPlan, jobID: Int64, expected: Int, _ c: PostgresConnection
    ) throws {
        var wholeRanges: [Int] = []
        var keyed: [Int] = []
        for m in 0..<shape.meters.count where plan.replacedPerMeter[m] > 0 {
            if plan.replacedPerMeter[m] == plan.storedPerMeter[m] {
                wholeRanges.append(m)
            } else {
                keyed.append(contentsOf: (shape.meterStart[m]..<shape.meterStart[m + 1]).filter {
                    plan.actions[$0] == .replace
                })
            }
        }
        var deleted = 0
        if !wholeRanges.isEmpty {
            deleted += try c.query(
                """
                DELETE FROM readings r
                USING unnest($2::bigint[], $3::timestamptz[], $4::timestamptz[]) AS b(meter_id, lo, hi)
                WHERE r.meter_id = b.meter_id AND r.ts BETWEEN b.lo AND b.hi AND r.job_id < $1
                  AND r.ts BETWEEN ($5::timestamptz[])[1] AND ($5::timestamptz[])[2]
                """,
                [
                    .int(jobID), .int64Array(wholeRanges.map { shape.meters[$0] }),
                    .timestampArray(unixMicros: wholeRanges.map { shape.firstTs[$0] }),
                    .timestampArray(unixMicros: wholeRanges.map { shape.lastTs[$0] }), Self.tsBounds(shape),
                ]
            ).affectedRows
        }
        if !keyed.isEmpty {
            deleted += try c.query(
                """
                DELETE FROM readings r USING unnest($2::bigint[], $3::timestamptz[]) AS b(meter_id, ts)
                WHERE r.meter_id = b.meter_id AND r.ts = b.ts AND r.job_id < $1
                  AND r.ts BETWEEN ($4::timestamptz[])[1] AND ($4::timestamptz[])[2]
                """,
                [
                    .int(jobID), .int64Array(keyed.map { batch.meterID[$0] }),
                    .timestampArray(unixMicros: keyed.map { batch.ts[$0] }), Self.tsBounds(shape),
                ]
            ).affectedRows
        }
        guard deleted == expected else { throw StoreError.corruptRow("replaced \(deleted) of \(expected) readings") }
    }

    /// The batch's first and last instant, `[lo, hi]`, as a `timestamptz[]` parameter. Every
    /// statement over `readings` also says `ts BETWEEN ($n)[1] AND ($n)[2]`: the per-row bounds
    /// come from `unnest`, which only prunes partitions at run time, after the planner has planned
    /// every partition (~60 ms per statement with a year of days); this constant bound lets it
    /// plan the batch's days only.
    static func tsBounds(_ shape: BatchShape) -> PostgresValue {
        .timestampArray(unixMicros: [shape.distinctTs.first ?? 0, shape.distinctTs.last ?? 0])
    }

    /// Stored readings of the batch's meters inside each meter's first…last instant, sorted by
    /// (meter, ts).
    ///
    /// One row per meter with three arrays (instants as µs after the meter's first instant, kW,
    /// job ids), parsed straight from their text: 100 k rows of four text cells each cost the
    /// client more than the server's range scans. `extract` on an interval is immutable and
    /// cheap, while gs_to_unix_micros on a timestamptz (STABLE inside an IMMUTABLE function, so
    /// never inlined) cost ~150 ms per 100 k rows. The nested loop yields index order; a sort is
    /// kept for safety. The LATERAL subquery (kept a subquery by `OFFSET 0`) fixes the join order:
    /// batch meters outside, one index range scan each inside, whatever the statistics say. As a
    /// plain join, a partition whose statistics said 0 rows was scanned outside with the whole
    /// `unnest` re-read per stored row (minutes; docs/STORE.md, "Statistics of fresh partitions").
    private func storedInRange(_ shape: BatchShape, _ c: PostgresConnection) throws -> RowPlan.Stored {
        let result = try c.query(
            """
            SELECT b.n, array_agg((extract(epoch FROM r.ts - b.lo) * 1000000)::bigint) AS offsets,
                   array_agg(r.kw) AS kws, array_agg(r.job_id) AS jobs
            FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS b(meter_id, lo, hi, n)
            CROSS JOIN LATERAL (
                SELECT r.ts, r.kw, r.job_id FROM readings r
                WHERE r.meter_id = b.meter_id AND r.ts BETWEEN b.lo AND b.hi
                  AND r.ts BETWEEN ($4::timestamptz[])[1] AND ($4::timestamptz[])[2]
                OFFSET 0
            ) r
            GROUP BY b.n
            """, [
                .int64Array(shape.meters), .timestampArray(unixMicros: shape.firstTs),
                .timestampArray(unixMicros: shape.lastTs), Self.tsBounds(shape),
            ])
        var perMeter: [(n: Int, offsets: [Int64], kw: [Double], jobs: [Int64])] = []
        perMeter.reserveCapacity(result.rows.count)
        for row in result.rows {
            guard row.count == 4, let n = row[0].flatMap({ Int($0) }), n >= 1, n <= shape.meters.count,
                let offsets = row[1].flatMap(Self.int64s), let kw = row[2].flatMap(Self.doubles),
                let jobs = row[3].flatMap(Self.int64s), offsets.count == kw.count, jobs.count == kw.count
            else { throw StoreError.corruptRow("stored readings \(row.map { $0?.prefix(80) })") }
            perMeter.append((n, offsets, kw, jobs))
        }
        perMeter.sort { $0.n < $1.n }
        var stored = RowPlan.Stored()
        var sorted = true
        for meter in perMeter {
            let id = shape.meters[meter.n - 1]
            let first = shape.firstTs[meter.n - 1]
            for k in meter.offsets.indices {
                if k > 0 && meter.offsets[k] <= meter.offsets[k - 1] { sorted = false }
                stored.meterID.append(id)
                stored.ts.append(first + meter.offsets[k])
            }
            stored.kw.append(contentsOf: meter.kw)
            stored.jobID.append(contentsOf: meter.jobs)
        }
        return sorted ? stored : stored.sortedByKey()
    }

    /// The elements of a one-dimensional `bigint[]` in text form, `{1,-2,3}`.
    private static func int64s(_ text: String) -> [Int64]? {
        parseArray(text) { p, end in strtoll(p, end, 10) }
    }

    /// The elements of a one-dimensional `float8[]` in text form; finite values only.
    private static func doubles(_ text: String) -> [Double]? {
        parseArray(text) { p, end in strtod(p, end) }
    }

    private static func parseArray<T>(
        _ text: String, _ parse: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T
    ) -> [T]? {
        text.withCString { start -> [T]? in
            guard start[0] == CChar(UInt8(ascii: "{")) else { return nil }
            var values: [T] = []
            var p = start + 1
            if p[0] == CChar(UInt8(ascii: "}")) { return values }
            while true {
                var end: UnsafeMutablePointer<CChar>?
                let value = parse(p, &end)
                guard let stop = end, stop != UnsafeMutablePointer(mutating: p) else { return nil }
                values.append(value)
                switch UInt8(bitPattern: stop[0]) {
                case UInt8(ascii: ","): p = UnsafePointer(stop + 1)
                case UInt8(ascii: "}"): return values
                default: return nil
                }
            }
        }
    }

    private func applyRollup(_ rollup: HourlyRollup, _ c: PostgresConnection) throws {
        guard rollup.count > 0 else { return }
        // The batch's first and last hour start: a constant bound lets the planner prune
        // meter_hourly to those days' partitions (see tsBounds).
        let hours = PostgresValue.timestampArray(unixMicros: [
            rollup.hourStart.min() ?? 0, rollup.hourStart.max() ?? 0,
        ])
        var isRewritten = [Bool](repeating: false, count: rollup.count)
        for g in rollup.rewritten { isRewritten[g] = true }
        let candidates = rollup.candidateExisting.filter { !isRewritten[$0] }
        // One primary-key probe per candidate, in that join order whatever the statistics say
        // (LATERAL, kept a subquery by OFFSET 0; see storedInRange).
        let found = try c.query(
            """
            SELECT b.n FROM unnest($1::bigint[], $2::timestamptz[]) WITH ORDINALITY AS b(meter_id, hour_start, n)
            CROSS JOIN LATERAL (
                SELECT FROM meter_hourly m
                WHERE m.meter_id = b.meter_id AND m.hour_start = b.hour_start
                  AND m.hour_start BETWEEN ($3::timestamptz[])[1] AND ($3::timestamptz[])[2]
                OFFSET 0
            ) m
            """,
            [
                .int64Array(candidates.map { rollup.meterID[$0] }),
                .timestampArray(unixMicros: candidates.map { rollup.hourStart[$0] }), hours,
            ])
        var exists = [Bool](repeating: false, count: rollup.count)
        for row in found.rows {
            guard let n = row.first.flatMap({ $0.flatMap { Int($0) } }), n >= 1, n <= candidates.count else {
                throw StoreError.corruptRow("rollup ordinal \(row)")
            }
            exists[candidates[n - 1]] = true
        }
        // Hours whose exact sum did not fit in 128 bits are recomputed from readings below.
        let exact = (0..<rollup.count).filter { !isRewritten[$0] && !rollup.kwDelta[$0].overflowed }
        let update = exact.filter { exists[$0] }
        let insert = exact.filter { !exists[$0] }
        if let orphan = insert.first(where: { rollup.countDelta[$0] == 0 }) {
            // A replaced reading implies a stored one in that hour, hence a rollup row.
            throw StoreError.corruptRow(
                "no rollup row for meter \(rollup.meterID[orphan]) hour \(rollup.hourStart[orphan])")
        }
        if !update.isEmpty {
            // numeric + numeric is exact: the stored sum stays sum(kw::numeric) over the hour.
            try c.query(
                """
                UPDATE meter_hourly m SET kw_sum = m.kw_sum + b.kw_delta, readings = m.readings + b.count_delta
                FROM unnest($1::bigint[], $2::timestamptz[], $3::numeric[], $4::bigint[])
                    AS b(meter_id, hour_start, kw_delta, count_delta)
                WHERE m.meter_id = b.meter_id AND m.hour_start = b.hour_start
                  AND m.hour_start BETWEEN ($5::timestamptz[])[1] AND ($5::timestamptz[])[2]
                """,
                [
                    .int64Array(update.map { rollup.meterID[$0] }),
                    .timestampArray(unixMicros: update.map { rollup.hourStart[$0] }),
                    .text("{" + update.map { rollup.kwDelta[$0].literal }.joined(separator: ",") + "}"),
                    .int64Array(update.map { Int64(rollup.countDelta[$0]) }), hours,
                ])
        }
        if !insert.isEmpty {
            try c.copyIn(
                "COPY meter_hourly (meter_id, hour_start, kw_sum, readings) FROM STDIN (FORMAT binary)",
                data: Self.encodeHourly(rollup, groups: insert))
        }
        var recompute = (0..<rollup.count).filter { !isRewritten[$0] && rollup.kwDelta[$0].overflowed }
        if !rollup.rewrittenRanges.isEmpty {
            // Re-sent hours: drop their rows and COPY the new ones, ~3× faster than updating.
            try c.query(
                """
                DELETE FROM meter_hourly m
                USING unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS b(meter_id, first, last)
                WHERE m.meter_id = b.meter_id AND m.hour_start BETWEEN b.first AND b.last
                  AND m.hour_start BETWEEN ($4::timestamptz[])[1] AND ($4::timestamptz[])[2]
                """,
                [
                    .int64Array(rollup.rewrittenRanges.map(\.meterID)),
                    .timestampArray(unixMicros: rollup.rewrittenRanges.map(\.first)),
                    .timestampArray(unixMicros: rollup.rewrittenRanges.map(\.last)), hours,
                ])
            let copied = rollup.rewritten.indices.filter { !rollup.total[$0].overflowed }
            if !copied.isEmpty {
                try c.copyIn(
                    "COPY meter_hourly (meter_id, hour_start, kw_sum, readings) FROM STDIN (FORMAT binary)",
                    data: Self.encodeRewrittenHourly(rollup, rewritten: copied))
            }
            recompute += rollup.rewritten.indices.filter { rollup.total[$0].overflowed }.map { rollup.rewritten[$0] }
        }
        if !recompute.isEmpty { try recomputeRollup(rollup, groups: recompute, c) }
    }

    /// Sets the rollup rows of `groups` from the readings now in their hours (the rare hours
    /// whose client-side sum overflowed). Every grid hour lies inside [start, start + 1 h), and
    /// `gs_hour_start` keeps out readings of a neighbouring hour in zones that shift by 30 min.
    private func recomputeRollup(_ rollup: HourlyRollup, groups: [Int], _ c: PostgresConnection) throws {
        try c.query(
            """
            INSERT INTO meter_hourly (meter_id, hour_start, kw_sum, readings)
            SELECT g.meter_id, g.hour_start, s.kw_sum, s.n
            FROM unnest($1::bigint[], $2::timestamptz[]) AS g(meter_id, hour_start)
            CROSS JOIN LATERAL (
                SELECT sum(r.kw::numeric) AS kw_sum, count(*)::integer AS n FROM readings r
                WHERE r.meter_id = g.meter_id AND r.ts >= g.hour_start AND r.ts < g.hour_start + interval '1 hour'
                  AND r.ts >= ($3::timestamptz[])[1] AND r.ts < ($3::timestamptz[])[2]
                  AND gs_hour_start(r.ts, (SELECT value FROM store_settings WHERE key = 'grid_time_zone'))
                      = g.hour_start
            ) s
            ON CONFLICT (meter_id, hour_start) DO UPDATE SET kw_sum = excluded.kw_sum, readings = excluded.readings
            """,
            [
                .int64Array(groups.map { rollup.meterID[$0] }),
                .timestampArray(unixMicros: groups.map { rollup.hourStart[$0] }),
                // Constant bounds for partition pruning at plan time (see tsBounds).
                .timestampArray(unixMicros: [
                    groups.map { rollup.hourStart[$0] }.min() ?? 0,
                    (groups.map { rollup.hourStart[$0] }.max() ?? 0) + 3_600_000_000,
                ]),
            ])
    }
}
