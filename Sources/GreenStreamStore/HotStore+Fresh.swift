import GreenStreamCore
import Postgres

extension HotStore {
    /// The path for a batch none of whose instants are stored: readings go straight into
    /// `readings` by binary COPY (the keyed-COPY rate), and rollup rows are COPYed too, except
    /// the few that already exist.
    ///
    /// Only a meter's first and last hour can already have a rollup row: every other hour lies
    /// wholly inside the meter's range, where no reading is stored. Those boundary rows are
    /// looked up and updated by key; if a concurrent commit adds a row after our snapshot, the
    /// COPY hits the unique key and the whole commit re-runs.
    func loadFresh(_ batch: ReadingBatch, shape: BatchShape, rowHourStart: [Int64], jobID: Int64, _ c: PostgresConnection)
        throws
    {
        let pid = c.backendPID
        let hook = afterCopyChunk.map { hook in { (sent: Int) throws in try hook(pid, sent) } }
        try c.copyIn(
            "COPY readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, job_id) FROM STDIN (FORMAT binary)",
            data: Self.encodeReadings(batch, jobID: jobID), afterChunk: hook)

        let rollup = HourlyRollup(batch, rowHourStart: rowHourStart, shape: shape)
        let candidates = rollup.boundaryGroups
        let existing = try c.query(
            """
            SELECT b.n FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS b(meter_id, hour_start, n)
            JOIN meter_hourly m ON m.meter_id = b.meter_id AND m.hour_start = gs_from_unix_micros(b.hour_start)
            """,
            [.int64Array(candidates.map { rollup.meterID[$0] }), .int64Array(candidates.map { rollup.hourStart[$0] })])
        var isExisting = [Bool](repeating: false, count: rollup.count)
        for row in existing.rows {
            guard let text = row[0], let n = Int(text), n >= 1, n <= candidates.count else {
                throw StoreError.corruptRow("boundary ordinal \(row)")
            }
            isExisting[candidates[n - 1]] = true
        }
        let update = (0..<rollup.count).filter { isExisting[$0] }
        if !update.isEmpty {
            try c.query(
                """
                UPDATE meter_hourly m SET kw_sum = m.kw_sum + b.kw_sum, readings = m.readings + b.readings
                FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::bigint[]) AS b(meter_id, hour_start, kw_sum, readings)
                WHERE m.meter_id = b.meter_id AND m.hour_start = gs_from_unix_micros(b.hour_start)
                """,
                [.int64Array(update.map { rollup.meterID[$0] }), .int64Array(update.map { rollup.hourStart[$0] }),
                 .doubleArray(update.map { rollup.kwSum[$0] }), .int64Array(update.map { Int64(rollup.readings[$0]) })])
        }
        let insert = (0..<rollup.count).filter { !isExisting[$0] }
        if !insert.isEmpty {
            try c.copyIn(
                "COPY meter_hourly (meter_id, hour_start, kw_sum, readings) FROM STDIN (FORMAT binary)",
                data: Self.encodeHourly(rollup, indices: insert))
        }
    }
}
