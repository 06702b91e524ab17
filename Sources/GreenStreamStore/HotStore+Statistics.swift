import GreenStreamCore
import Postgres

/// Planner statistics of the day partitions a commit wrote into (docs/STORE.md, "Statistics of
/// fresh partitions").
extension HotStore {
    /// After a commit that stored readings: ANALYZEs each day partition of readings and
    /// meter_hourly the batch touched whose statistics badly underestimate what it now holds, so
    /// the next commit into that day plans its per-key probes on real row counts.
    ///
    /// Why: the planner estimates a table's rows as `reltuples / relpages` × its current pages.
    /// When an ANALYZE (autovacuum's) runs while a day's first file is still uncommitted, it
    /// records `reltuples = 0` over that file's pages; the day's next commit then sees a
    /// partition of ~1 row and runs the rollup probe as a nested loop that re-reads the whole
    /// batch (`unnest`) once per stored row: quadratic, 48 s to minutes in bench-growth instead of
    /// a few seconds. A partition never analyzed is analyzed too (its estimate then rests on a
    /// guess from the row width, and its first ANALYZE would otherwise come from autovacuum at an
    /// unknown moment, possibly during the next file).
    ///
    /// The rule: ANALYZE a partition when it was never analyzed, or when its estimate is below
    /// half of what this commit alone put there (readings: the batch's readings of that UTC day;
    /// meter_hourly: the batch's meters with readings that day, one rollup row each at least).
    /// A day is analyzed once or twice this way, then autovacuum's 10 % rule keeps up. Runs
    /// outside the commit transaction (the data is committed; ANALYZE sees only committed rows),
    /// and a failure here does not fail the commit, which already succeeded.
    func refreshStatistics(after result: HotCommitResult, _ batch: ReadingBatchDays) {
        guard case .committed(let stats) = result, stats.inserted + stats.replaced > 0, !batch.days.isEmpty else {
            return
        }
        _ = try? pool.withConnection { c in
            let stale = try c.query(
                """
                SELECT format('%I.%I', n.nspname, c.relname) AS name
                FROM unnest($1::text[], $2::bigint[]) AS p(relname, at_least)
                JOIN pg_class c ON c.oid = to_regclass(quote_ident(p.relname))
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.reltuples < 0
                   OR (CASE WHEN c.relpages > 0
                            THEN c.reltuples / c.relpages
                                 * (pg_relation_size(c.oid) / current_setting('block_size')::bigint)
                            ELSE c.reltuples END) < p.at_least / 2.0
                ORDER BY 1
                """,
                [
                    .text("{" + batch.days.flatMap { ["readings_\($0.name)", "meter_hourly_\($0.name)"] }
                        .joined(separator: ",") + "}"),
                    .int64Array(batch.days.flatMap { [Int64($0.readings), Int64($0.meters)] }),
                ]
            ).allRows.map { try $0.string("name") }
            for name in stale { try c.execute(unsafeSQL: "ANALYZE \(name)") }
        }
    }
}
