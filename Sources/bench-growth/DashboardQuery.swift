import Foundation
import Postgres

/// A query a dashboard makes, timed on a store at the size the growth run left it.
struct DashboardQuery {
    let name: String
    let sql: String
    let parameters: [PostgresValue]

    /// The three queries of issue 12 for the last day committed (`lastDay`, unix seconds at UTC
    /// midnight): that day's `grid_hourly`, one meter's 24 hours up to noon of that day (a window
    /// across two daily partitions), and the day's peak hours in two forms.
    static func dashboard(lastDay: Int64, meter: Int64) -> [DashboardQuery] {
        let day = UTCDay.format(lastDay)
        let next = UTCDay.format(lastDay + 86_400)
        let noon = "\(day) 12:00:00+00"
        let noonBefore = "\(UTCDay.format(lastDay - 86_400)) 12:00:00+00"
        return [
            DashboardQuery(
                name: "grid_hourly, one day",
                sql: """
                    SELECT hour_start, meters, load_kw FROM grid_hourly
                    WHERE hour_start >= $1::timestamptz AND hour_start < $2::timestamptz ORDER BY hour_start
                    """,
                parameters: [.text("\(day) 00:00:00+00"), .text("\(next) 00:00:00+00")]
            ),
            DashboardQuery(
                name: "one meter, last 24 h",
                sql: """
                    SELECT ts, kw, quality FROM readings
                    WHERE meter_id = $1 AND ts >= $2::timestamptz AND ts < $3::timestamptz ORDER BY ts
                    """,
                parameters: [.int(meter), .text(noonBefore), .text(noon)]
            ),
            // The day's peak hours through the view, as `gsctl peak` asked before it was bounded:
            // the day computed inside grid_peak_hours cannot prune partitions.
            DashboardQuery(
                name: "peak hours of the day, grid_peak_hours view",
                sql: """
                    SELECT gs_to_unix_micros(hour_start) AS hour_start, meters, load_kw FROM grid_peak_hours
                    WHERE day = $1::date AND peak_rank <= $2 ORDER BY peak_rank, hour_start
                    """,
                parameters: [.text(day), .int(24)]
            ),
            // As `gsctl peak` asks now (JobStore.peakHours, UTC grid zone): grid_hourly ranked within
            // the day's instants; hour_start bounds pass through grid_hourly's GROUP BY and prune.
            DashboardQuery(
                name: "peak hours of the day, bounded on hour_start (gsctl peak)",
                sql: """
                    SELECT gs_to_unix_micros(hour_start) AS hour_start, meters, load_kw FROM (
                        SELECT hour_start, meters, load_kw, rank() OVER (ORDER BY load_kw DESC, hour_start) AS peak_rank
                        FROM grid_hourly WHERE hour_start >= $1::timestamptz AND hour_start < $2::timestamptz
                    ) ranked
                    WHERE peak_rank <= $3 ORDER BY peak_rank, hour_start
                    """,
                parameters: [.text("\(day) 00:00:00+00"), .text("\(next) 00:00:00+00"), .int(24)]
            ),
        ]
    }

    struct Timing {
        var medianMs: Double
        var minMs: Double
        var maxMs: Double
        var rows: Int
        /// The relations the plan reads (scan nodes), in plan order.
        var scanned: [String]
        var plan: String
    }

    /// One untimed warm-up, then `runs` timed runs on one connection; and the plan.
    func time(_ c: PostgresConnection, runs: Int) throws -> Timing {
        var rows = try c.query(sql, parameters).rows.count
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            rows = try c.query(sql, parameters).rows.count
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let plan = try c.query("EXPLAIN (COSTS OFF) " + sql, parameters).rows.compactMap { $0.first ?? nil }
        let scanned = plan.compactMap { line -> String? in
            guard line.contains("Scan"), let on = line.range(of: " on ") else { return nil }
            return line[on.upperBound...].split(separator: " ").first.map(String.init)
        }
        return Timing(
            medianMs: times[times.count / 2],
            minMs: times.first ?? 0,
            maxMs: times.last ?? 0,
            rows: rows,
            scanned: scanned,
            plan: plan.joined(separator: "\n")
        )
    }
}
