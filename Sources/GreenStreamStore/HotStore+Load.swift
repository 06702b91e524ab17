import GreenStreamCore
import Postgres

extension HotStore {
    /// Loads a validated, non-empty batch inside the commit transaction and returns what it did.
    ///
    /// 1. Read the stored readings inside each meter's first…last instant (one index range scan
    ///    per meter; nothing comes back for fresh data) and merge them with the batch (R-H-1).
    /// 2. COPY the new instants straight into `readings` (the keyed-COPY rate); update by key the
    ///    instants a lower job id stored; leave those a higher job id stored.
    /// 3. Apply the exact rollup deltas (R-H-2, ``DecimalSum``): update the (meter, hour) rows that
    ///    exist, COPY the rest.
    ///
    /// Everything read here comes from the REPEATABLE READ snapshot. If a concurrent commit
    /// changes it first, our update fails with a serialisation failure, or our COPY with a unique
    /// violation, and the whole commit re-runs on a fresh snapshot.
    func load(_ batch: ReadingBatch, shape: BatchShape, rowHourStart: [Int64], jobID: Int64, _ c: PostgresConnection)
        throws -> HotCommitStats
    {
        let stored = try storedInRange(shape, c)
        let plan = RowPlan(batch: batch, shape: shape, stored: stored, jobID: jobID)
        let inserts = (0..<batch.count).filter { plan.actions[$0] == .insert }
        let replaces = (0..<batch.count).filter { plan.actions[$0] == .replace }

        if !inserts.isEmpty {
            let pid = c.backendPID
            try c.copyIn(
                "COPY readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id) FROM STDIN (FORMAT binary)",
                data: Self.encodeReadings(batch, rows: inserts, jobID: jobID),
                afterChunk: afterCopyChunk.map { hook in { try hook(pid, $0) } })
        }
        if !replaces.isEmpty {
            let updated = try c.query(
                """
                UPDATE readings r
                SET kw = b.kw, quality = CASE b.q WHEN 1 THEN 'interpolated' ELSE 'measured' END,
                    hour_of_day = b.h::smallint, is_peak_window = (b.p = 1), job_id = $1
                FROM unnest($2::bigint[], $3::timestamptz[], $4::float8[], $5::bigint[], $6::bigint[], $7::bigint[])
                    AS b(meter_id, ts, kw, q, h, p)
                WHERE r.meter_id = b.meter_id AND r.ts = b.ts AND r.job_id < $1
                """,
                [
                    .int(jobID), .int64Array(replaces.map { batch.meterID[$0] }),
                    .timestampArray(unixMicros: replaces.map { batch.ts[$0] }),
                    .doubleArray(replaces.map { batch.kw[$0] }),
                    .int64Array(replaces.map { Int64(batch.quality[$0].rawValue) }),
                    .int64Array(replaces.map { Int64(batch.hourOfDay[$0]) }),
                    .int64Array(replaces.map { batch.isPeakWindow[$0] ? 1 : 0 }),
                ]
            ).affectedRows
            // REPEATABLE READ raises 40001 rather than skip a row changed since our snapshot.
            guard updated == replaces.count else {
                throw StoreError.corruptRow("replaced \(updated) of \(replaces.count) readings")
            }
        }
        try applyRollup(HourlyRollup(batch, rowHourStart: rowHourStart, shape: shape, plan: plan), c)
        return HotCommitStats(
            inserted: inserts.count, replaced: replaces.count,
            keptNewer: batch.count - inserts.count - replaces.count, transactionRuns: 1)
    }

    /// Stored readings of the batch's meters inside each meter's first…last instant.
    private func storedInRange(_ shape: BatchShape, _ c: PostgresConnection) throws -> RowPlan.Stored {
        let result = try c.query(
            """
            SELECT r.meter_id, gs_to_unix_micros(r.ts) AS ts, r.kw, r.job_id
            FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS b(meter_id, lo, hi)
            JOIN readings r ON r.meter_id = b.meter_id AND r.ts BETWEEN b.lo AND b.hi
            ORDER BY r.meter_id, r.ts
            """, [
                .int64Array(shape.meters), .timestampArray(unixMicros: shape.firstTs),
                .timestampArray(unixMicros: shape.lastTs),
            ])
        var stored = RowPlan.Stored()
        for row in result.rows {
            guard row.count == 4, let m = row[0].flatMap({ Int64($0) }), let t = row[1].flatMap({ Int64($0) }),
                let kw = row[2].flatMap({ Double($0) }), let job = row[3].flatMap({ Int64($0) })
            else { throw StoreError.corruptRow("stored reading \(row)") }
            stored.meterID.append(m)
            stored.ts.append(t)
            stored.kw.append(kw)
            stored.jobID.append(job)
        }
        return stored
    }

    private func applyRollup(_ rollup: HourlyRollup, _ c: PostgresConnection) throws {
        guard rollup.count > 0 else { return }
        let candidates = rollup.candidateExisting
        let found = try c.query(
            """
            SELECT b.n FROM unnest($1::bigint[], $2::timestamptz[]) WITH ORDINALITY AS b(meter_id, hour_start, n)
            JOIN meter_hourly m ON m.meter_id = b.meter_id AND m.hour_start = b.hour_start
            """,
            [
                .int64Array(candidates.map { rollup.meterID[$0] }),
                .timestampArray(unixMicros: candidates.map { rollup.hourStart[$0] }),
            ])
        var exists = [Bool](repeating: false, count: rollup.count)
        for row in found.rows {
            guard let n = row.first.flatMap({ $0.flatMap { Int($0) } }), n >= 1, n <= candidates.count else {
                throw StoreError.corruptRow("rollup ordinal \(row)")
            }
            exists[candidates[n - 1]] = true
        }
        // Hours whose exact sum did not fit in 128 bits are recomputed from readings below.
        let exact = (0..<rollup.count).filter { !rollup.kwDelta[$0].overflowed }
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
                """,
                [
                    .int64Array(update.map { rollup.meterID[$0] }),
                    .timestampArray(unixMicros: update.map { rollup.hourStart[$0] }),
                    .text("{" + update.map { rollup.kwDelta[$0].literal }.joined(separator: ",") + "}"),
                    .int64Array(update.map { Int64(rollup.countDelta[$0]) }),
                ])
        }
        if !insert.isEmpty {
            try c.copyIn(
                "COPY meter_hourly (meter_id, hour_start, kw_sum, readings) FROM STDIN (FORMAT binary)",
                data: Self.encodeHourly(rollup, groups: insert))
        }
        let recompute = (0..<rollup.count).filter { rollup.kwDelta[$0].overflowed }
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
                  AND gs_hour_start(r.ts, (SELECT value FROM store_settings WHERE key = 'grid_time_zone'))
                      = g.hour_start
            ) s
            ON CONFLICT (meter_id, hour_start) DO UPDATE SET kw_sum = excluded.kw_sum, readings = excluded.readings
            """,
            [
                .int64Array(groups.map { rollup.meterID[$0] }),
                .timestampArray(unixMicros: groups.map { rollup.hourStart[$0] }),
            ])
    }
}
