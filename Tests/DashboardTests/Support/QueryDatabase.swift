import Foundation
import GreenStreamStore
import Postgres

/// A private, migrated schema in the PostgreSQL named by GS_PG_URL (cluster/postgres.sh start, or
/// scripts/test.sh), dropped when released. These tests never skip.
final class QueryDatabase: @unchecked Sendable {
    struct MissingServer: Error, CustomStringConvertible {
        var description: String { "GS_PG_URL is not set: eval \"$(cluster/postgres.sh start)\" first" }
    }

    let baseURL: String
    let schema: String
    /// The server URL with this schema on the search_path.
    let url: String
    let pool: ConnectionPool
    let queries: DashboardQueries

    init() throws {
        guard let base = ProcessInfo.processInfo.environment["GS_PG_URL"], !base.isEmpty else { throw MissingServer() }
        baseURL = base
        schema = "gs_dash_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresConnection.connect(url: base)
        try admin.execute(unsafeSQL: "CREATE SCHEMA \(schema)")
        url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
        pool = ConnectionPool(url: url, maxConnections: 2, reconnectSeconds: 5)
        try pool.withConnection { _ = try Migrator().migrate($0) }
        queries = DashboardQueries(pool: pool)
    }

    deinit {
        pool.closeIdle()
        if let admin = try? PostgresConnection.connect(url: baseURL) {
            _ = try? admin.execute(unsafeSQL: "DROP SCHEMA \(schema) CASCADE")
        }
    }

    @discardableResult
    func sql(_ text: String, _ params: [PostgresValue] = []) throws -> [QueryResult.Row] {
        try pool.withConnection { try $0.query(text, params).allRows }
    }

    /// The plan of `query` with sequential scans priced out, as one text: shows whether an index
    /// *can* serve the query's predicates (on tiny test tables the planner would scan anyway).
    func plan(_ query: String, _ params: [PostgresValue]) throws -> String {
        try pool.withConnection { c in
            try c.query("SET enable_seqscan = off")
            defer { _ = try? c.query("RESET enable_seqscan") }
            return try c.query("EXPLAIN " + query, params).allRows.map { try $0.string("QUERY PLAN") }.joined(
                separator: "\n")
        }
    }

    /// Creates the UTC day partitions of readings and meter_hourly for `from`…`through` (YYYY-MM-DD)
    /// when the store is partitioned by day (issue 12: `gs_ensure_day_partition`, migration 006);
    /// nothing on a store without it. PL/pgSQL resolves the call only when it runs, so this text
    /// works on both. The days are test constants, never input.
    func ensureDays(from: String, through: String) throws {
        try sql(
            """
            DO $$ BEGIN
                IF to_regprocedure('gs_ensure_day_partition(date)') IS NOT NULL THEN
                    PERFORM gs_ensure_day_partition(d::date)
                    FROM generate_series('\(from)'::date, '\(through)'::date, interval '1 day') d;
                END IF;
            END $$
            """)
    }

    /// One meter-hour of rollup (kw_sum over `readings` readings) at `hour` (timestamptz text).
    func rollup(meter: Int64, hour: String, kwSum: Double, readings: Int = 4) throws {
        let day = try sql("SELECT to_char(($1::timestamptz AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS d", [.text(hour)])
        try ensureDays(from: try day[0].string("d"), through: try day[0].string("d"))
        try sql(
            "INSERT INTO meter_hourly (meter_id, hour_start, kw_sum, readings) VALUES ($1, $2::timestamptz, $3, $4)",
            [.int(meter), .text(hour), .double(kwSum), .int(Int64(readings))])
    }

    /// A finished job row (no attempts), as the coordinator leaves one.
    func finishedJob(_ name: String, state: String, storedRows: Int64?, finishedAgo: String, error: String? = nil)
        throws
    {
        try sql(
            """
            INSERT INTO jobs (state, file_name, sha256, size_bytes, stored_rows, finished_at, last_error, attempt)
            VALUES ($1::job_state, $2, sha256(convert_to($2, 'UTF8')), 1, $3, now() - $4::interval, $5, 1)
            """,
            [
                .text(state), .text(name), storedRows.map(PostgresValue.int) ?? .null, .text(finishedAgo),
                error.map(PostgresValue.text) ?? .null,
            ])
    }
}
