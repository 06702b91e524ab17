import GreenStreamCore
import Postgres

extension HotStore {
    /// The per-connection staging table of the collision path. `old_kw`/`old_job` are filled
    /// with the stored reading each row collides with, if any.
    static let createStagingSQL = """
        CREATE TEMP TABLE IF NOT EXISTS gs_staging_readings (
            meter_id bigint NOT NULL, ts timestamptz NOT NULL, kw double precision NOT NULL,
            quality text NOT NULL, hour_of_day smallint NOT NULL, is_peak_window boolean NOT NULL,
            hour_start timestamptz NOT NULL, old_kw double precision, old_job bigint
        ) ON COMMIT DELETE ROWS
        """

    /// The path for a batch that touches stored instants (corrections, retries of overlapping
    /// files): stage by COPY, find each row's stored counterpart, insert the new instants with a
    /// plain keyed insert, update only the instants a lower job id stored (R-H-1), and apply the
    /// rollup deltas: +kW and +1 for a new instant, +(new − old) kW for a replaced one (R-H-2).
    ///
    /// REPEATABLE READ keeps the old values read here valid: if another commit changes one of
    /// these rows first, our update fails with a serialisation failure and the commit re-runs.
    func loadWithCollisions(_ batch: ReadingBatch, rowHourStart: [Int64], jobID: Int64, _ c: PostgresConnection)
        throws -> HotCommitStats
    {
        let job = PostgresValue.int(jobID)
        try c.execute(unsafeSQL: Self.createStagingSQL)
        let pid = c.backendPID
        try c.copyIn(
            """
            COPY gs_staging_readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window, hour_start)
            FROM STDIN (FORMAT binary)
            """,
            data: Self.encodeStaging(batch, rowHourStart: rowHourStart),
            afterChunk: afterCopyChunk.map { hook in { try hook(pid, $0) } })
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
            """, [job]
        ).affectedRows
        let replaced = try c.query(
            """
            UPDATE readings r
            SET kw = s.kw, quality = s.quality, hour_of_day = s.hour_of_day, is_peak_window = s.is_peak_window, job_id = $1
            FROM gs_staging_readings s
            WHERE s.old_job < $1 AND r.meter_id = s.meter_id AND r.ts = s.ts
            """, [job]
        ).affectedRows
        try c.query(
            """
            INSERT INTO meter_hourly AS m (meter_id, hour_start, kw_sum, readings)
            SELECT meter_id, hour_start, sum(kw - coalesce(old_kw, 0)), count(*) FILTER (WHERE old_job IS NULL)
            FROM gs_staging_readings
            WHERE old_job IS NULL OR old_job < $1
            GROUP BY meter_id, hour_start
            ON CONFLICT (meter_id, hour_start) DO UPDATE
            SET kw_sum = m.kw_sum + excluded.kw_sum, readings = m.readings + excluded.readings
            """, [job])
        return HotCommitStats(inserted: inserted, replaced: replaced, keptNewer: collisions - replaced, transactionRuns: 1)
    }
}
