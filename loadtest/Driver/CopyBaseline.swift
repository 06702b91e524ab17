// --copy-baseline: the floor to compare the end-to-end rate with. The final clean rows of
// `readings` go, as a plain binary COPY, into a scratch table with the same columns and primary
// key in the same PostgreSQL; only the COPY statements and the COMMIT are timed (reading the rows
// back and encoding the buffers are not). The table is dropped afterwards.
import Foundation
import Postgres

enum CopyBaseline {
    static let table = "gs_loadtest_copy_baseline"

    /// Seconds spent in COPY + COMMIT, and rows copied.
    static func run(url: String, meters: [Int64], rowsPerMeter: Int) throws -> (seconds: Double, rows: Int) {
        let read = try PostgresConnection.connect(url: url, retryForSeconds: 30)
        let write = try PostgresConnection.connect(url: url, retryForSeconds: 30)
        _ = try write.execute(unsafeSQL: "DROP TABLE IF EXISTS \(table)")
        _ = try write.execute(
            unsafeSQL: """
                CREATE TABLE \(table) (
                    meter_id bigint NOT NULL, ts timestamptz NOT NULL, kw double precision NOT NULL,
                    quality text NOT NULL, hour_of_day smallint NOT NULL, is_peak_window boolean NOT NULL,
                    job_id bigint NOT NULL, PRIMARY KEY (meter_id, ts))
                """)
        defer { _ = try? write.execute(unsafeSQL: "DROP TABLE IF EXISTS \(table)") }
        let sorted = meters.sorted()
        let perChunk = max(1, 200_000 / max(1, rowsPerMeter))
        var seconds = 0.0
        var rows = 0
        _ = try write.execute(unsafeSQL: "BEGIN")
        var start = 0
        while start < sorted.count {
            let end = min(sorted.count, start + perChunk)
            let result = try read.query(
                """
                SELECT meter_id, (extract(epoch FROM ts) * 1000000)::bigint AS ts, kw, quality, hour_of_day,
                       is_peak_window, job_id
                FROM readings WHERE meter_id BETWEEN $1 AND $2 ORDER BY meter_id, ts
                """, [.int(sorted[start]), .int(sorted[end - 1])])
            var buffer = BinaryCopyBuffer(reservingCapacity: result.rows.count * 90)
            for row in result.rows {
                guard row.count == 7, let meter = row[0].flatMap({ Int64($0) }), let ts = row[1].flatMap({ Int64($0) }),
                    let kw = row[2].flatMap({ Double($0) }), let quality = row[3], let hour = row[4].flatMap({ Int16($0) }),
                    let peak = row[5], let job = row[6].flatMap({ Int64($0) })
                else { throw LoadTestError("copy baseline: unexpected readings row \(row)") }
                buffer.beginRow(fieldCount: 7)
                buffer.appendInt64(meter)
                buffer.appendTimestamp(unixMicros: ts)
                buffer.appendDouble(kw)
                buffer.appendText(utf8: Array(quality.utf8))
                buffer.appendInt16(hour)
                buffer.appendBool(peak == "t")
                buffer.appendInt64(job)
            }
            buffer.finish()
            let t0 = Date()
            rows += try write.copyIn("COPY \(table) FROM STDIN (FORMAT binary)", data: buffer.bytes)
            seconds += Date().timeIntervalSince(t0)
            start = end
        }
        let t0 = Date()
        _ = try write.execute(unsafeSQL: "COMMIT")
        seconds += Date().timeIntervalSince(t0)
        return (seconds, rows)
    }
}
