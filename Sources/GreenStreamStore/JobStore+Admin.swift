import Foundation
import GreenStreamCore
import Postgres

/// One hour of a grid day ranked by load (R-F-3), from the `grid_peak_hours` view.
public struct PeakHourRow: Sendable, Equatable {
    public var hourStartMicros: Int64
    public var meters: Int
    public var loadKW: Double
}

/// Queries behind the coordinator's admin calls (gsctl). Each is one short statement; lists page by
/// key and counts come from the delta table or from indexes, never from scanning `jobs` (R-J-9).
extension JobStore {
    /// Ids of jobs in `state` whose `last_error` equals `error` (any error when nil), oldest first,
    /// at most `limit` of them, above `afterID`: the bulk form of `jobs retry` (R-O-2).
    public func jobIDs(state: JobState, error: String?, limit: Int = 10_000, afterID: Int64 = 0) throws -> [Int64] {
        guard (1...100_000).contains(limit) else { throw StoreError.invalidParameter("limit must be 1…100000") }
        var values: [PostgresValue] = [.text(state.rawValue), .int(afterID), .int(Int64(limit))]
        var sql = "SELECT id FROM jobs WHERE state = $1::job_state AND id > $2"
        if let error {
            values.append(.text(error))
            sql += " AND last_error = $4"
        }
        sql += " ORDER BY id LIMIT $3"
        let result = try pool.withConnection { c in try c.query(sql, values) }
        return try result.allRows.map { try $0.int("id") }
    }

    /// Rows in `readings`: exact below a million (cheap enough), else PostgreSQL's planner estimate
    /// kept by autovacuum (`gsctl stats` must stay fast at any size).
    public func readingsCount() throws -> Int64 {
        try pool.withConnection { c in
            let estimate = try c.query(
                // readings is partitioned by day: its own reltuples stays 0, its partitions' count.
                """
                SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS n
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass
                """)
            let guess = estimate.isEmpty ? 0 : try estimate.row(0).int("n")
            if guess >= 1_000_000 { return guess }
            return try c.query("SELECT count(*)::bigint AS n FROM readings").row(0).int("n")
        }
    }

    /// Workers heard from within `seconds`.
    public func workersAlive(withinSeconds seconds: Double) throws -> Int {
        try pool.withConnection { c in
            Int(
                try c.query(
                    "SELECT count(*)::bigint AS n FROM workers WHERE last_heartbeat_at > now() - make_interval(secs => $1)",
                    [.double(seconds)]
                ).row(0).int("n"))
        }
    }

    /// The `top` highest-load hours of grid day `day` (YYYY-MM-DD in the grid zone; today when nil),
    /// highest first, and the day asked.
    public func peakHours(day: String?, top: Int) throws -> (day: String, hours: [PeakHourRow]) {
        try pool.withConnection { c in
            let dayText: String
            if let day {
                dayText = day
            } else {
                dayText = try c.query(
                    """
                    SELECT to_char((now() AT TIME ZONE (SELECT value FROM store_settings WHERE key = 'grid_time_zone'))::date,
                                   'YYYY-MM-DD') AS d
                    """
                ).row(0).string("d")
            }
            // The day's hours as instants, then grid_hourly ranked like grid_peak_hours ranks a day:
            // a constant hour_start bound lets the planner read only those days' partitions,
            // where `grid_peak_hours WHERE day = …` would aggregate all of meter_hourly.
            let bounds = try c.query(
                """
                SELECT gs_to_unix_micros($1::date::timestamp AT TIME ZONE z.value) AS lo,
                       gs_to_unix_micros(($1::date + 1)::timestamp AT TIME ZONE z.value) AS hi
                FROM store_settings z WHERE z.key = 'grid_time_zone'
                """, [.text(dayText)]
            ).row(0)
            let rows = try c.query(
                """
                SELECT gs_to_unix_micros(hour_start) AS hour_start, meters, load_kw FROM (
                    SELECT hour_start, meters, load_kw, rank() OVER (ORDER BY load_kw DESC, hour_start) AS peak_rank
                    FROM grid_hourly
                    WHERE hour_start >= ($1::timestamptz[])[1] AND hour_start < ($1::timestamptz[])[2]
                ) ranked
                WHERE peak_rank <= $2 ORDER BY peak_rank, hour_start
                """,
                [.timestampArray(unixMicros: [try bounds.int("lo"), try bounds.int("hi")]), .int(Int64(top))])
            let hours = try rows.allRows.map {
                PeakHourRow(
                    hourStartMicros: try $0.int("hour_start"), meters: Int(try $0.int("meters")),
                    loadKW: try $0.double("load_kw"))
            }
            return (dayText, hours)
        }
    }
}

extension JobStore {
    /// See ``jobIDs(state:error:limit:afterID:)``.
    public func jobIDs(state: JobState, error: String?, limit: Int = 10_000, afterID: Int64 = 0) async throws -> [Int64]
    {
        try await pool.threads.run { try self.jobIDs(state: state, error: error, limit: limit, afterID: afterID) }
    }

    /// See ``readingsCount()``.
    public func readingsCount() async throws -> Int64 {
        try await pool.threads.run { try self.readingsCount() }
    }

    /// See ``workersAlive(withinSeconds:)``.
    public func workersAlive(withinSeconds seconds: Double) async throws -> Int {
        try await pool.threads.run { try self.workersAlive(withinSeconds: seconds) }
    }

    /// See ``peakHours(day:top:)``.
    public func peakHours(day: String?, top: Int) async throws -> PeakHoursResult {
        try await pool.threads.run {
            let r = try self.peakHours(day: day, top: top)
            return PeakHoursResult(day: r.day, hours: r.hours)
        }
    }
}

/// The async form of ``JobStore/peakHours(day:top:)``'s answer.
public struct PeakHoursResult: Sendable, Equatable {
    public var day: String
    public var hours: [PeakHourRow]
}
