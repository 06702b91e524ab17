import Foundation
import GreenStreamTesting
import Postgres
import Testing

/// Issue 11 item 3: the JSON API under /api/ carries the database's numbers (the page draws the
/// same snapshot), answers bad input with 400, and offers nothing that writes.
extension DashboardClusterTests {
    @Test("issue 11: /api/* equals SQL over the views and the job table")
    func apiEqualsSQL() throws {
        try withDashboardCluster { cluster in
            let names = try cluster.landSampleFleet()
            try cluster.waitForTerminalJobs(names.count)
            try cluster.waitForWorkers(2)
            let seen = try cluster.query("SELECT gs_to_unix_micros(clock_timestamp()) AS t")[0].int("t")
            let api = cluster.dashboardURL + "api/"
            var snapshot: [String: Any] = [:]
            try Wait.until("a snapshot started after every job ended", timeout: 30) {
                snapshot = try HTTP.json(api + "snapshot?day=" + Self.day) as? [String: Any] ?? [:]
                return (snapshot["generated_at_micros"] as? NSNumber)?.int64Value ?? 0 > seen
            }

            // Grid: every hour of the day, as grid_peak_hours ranks them.
            let grid = try HTTP.json(api + "grid?day=" + Self.day) as! [String: Any]
            #expect(grid["day"] as? String == Self.day)
            #expect(grid["zone"] as? String == "UTC")
            #expect(grid["is_today"] as? Bool == false)
            let hours = grid["hours"] as! [[String: Any]]
            let sqlHours = try cluster.query(
                """
                SELECT gs_to_unix_micros(hour_start) AS h, meters, load_kw, peak_rank FROM grid_peak_hours
                WHERE day = $1::date ORDER BY hour_start
                """, [.text(Self.day)])
            #expect(hours.count == sqlHours.count)
            #expect(sqlHours.count == 24)
            for (json, row) in zip(hours, sqlHours) {
                #expect((json["hour_start_micros"] as? NSNumber)?.int64Value == (try row.int("h")))
                #expect((json["meters"] as? NSNumber)?.int64Value == (try row.int("meters")))
                #expect((json["load_kw"] as? NSNumber)?.doubleValue == (try row.double("load_kw")))
                #expect((json["peak_rank"] as? NSNumber)?.int64Value == (try row.int("peak_rank")))
            }
            // /api/grid/today without a day is the grid zone's today (no data in this run).
            let today = try HTTP.json(api + "grid/today") as! [String: Any]
            let sqlToday = try cluster.query("SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS d")[0]
            #expect(today["day"] as? String == (try sqlToday.string("d")))
            #expect(today["is_today"] as? Bool == true)

            // Peak: the three highest-ranked hours, highest first.
            let peak = try HTTP.json(api + "peak?day=" + Self.day) as! [String: Any]
            let top = try cluster.query(
                """
                SELECT gs_to_unix_micros(hour_start) AS h FROM grid_peak_hours WHERE day = $1::date
                ORDER BY peak_rank, hour_start LIMIT 3
                """, [.text(Self.day)]
            ).map { try $0.int("h") }
            #expect(
                (peak["hours"] as! [[String: Any]]).map { ($0["hour_start_micros"] as! NSNumber).int64Value } == top)
            #expect(peak["window_start_hour"] as? Int == 17)
            #expect(peak["window_end_hour"] as? Int == 21)

            // Jobs by state.
            let jobs = try HTTP.json(api + "jobs") as! [String: Any]
            let byState = jobs["by_state"] as! [String: Any]
            var sqlCounts: [String: Int64] = [:]
            for row in try cluster.query("SELECT state::text AS s, count(*)::bigint AS n FROM jobs GROUP BY 1") {
                sqlCounts[try row.string("s")] = try row.int("n")
            }
            for state in ["pending", "running", "retrying", "succeeded", "duplicate", "quarantined"] {
                #expect((byState[state] as? NSNumber)?.int64Value == sqlCounts[state] ?? 0, "\(state)")
            }
            #expect((jobs["total"] as? NSNumber)?.intValue == names.count)

            // Quarantine: newest first, with the reason.
            let quarantine = try HTTP.json(api + "quarantine") as! [[String: Any]]
            let sqlQuarantine = try cluster.query(
                "SELECT id, file_name, last_error, attempt FROM jobs WHERE state = 'quarantined' ORDER BY id DESC")
            #expect(quarantine.count == sqlQuarantine.count)
            for (json, row) in zip(quarantine, sqlQuarantine) {
                #expect((json["job_id"] as? NSNumber)?.int64Value == (try row.int("id")))
                #expect(json["file"] as? String == (try row.string("file_name")))
                #expect(json["reason"] as? String == (try row.string("last_error")))
                #expect((json["attempts"] as? NSNumber)?.int64Value == (try row.int("attempt")))
            }

            // Throughput: readings of the jobs that succeeded in the window (all of them here).
            let throughput = try HTTP.json(api + "throughput") as! [String: Any]
            let stored = try cluster.query(
                "SELECT coalesce(sum(stored_rows), 0)::bigint AS n FROM jobs WHERE state = 'succeeded'")[0].int("n")
            #expect((throughput["readings"] as? NSNumber)?.int64Value == stored)
            let buckets = throughput["buckets"] as! [[String: Any]]
            #expect(buckets.count == 60)
            #expect(buckets.reduce(Int64(0)) { $0 + ($1["readings"] as! NSNumber).int64Value } == stored)

            // Workers: every row of the workers table, most recent heartbeat first.
            let workers = try HTTP.json(api + "workers") as! [String: Any]
            let ids = (workers["list"] as! [[String: Any]]).map { $0["id"] as! String }
            #expect(Set(ids) == Set(try cluster.query("SELECT id FROM workers").map { try $0.string("id") }))
            #expect(ids.count == 2)
        }
    }

    @Test("issue 11: the dashboard is read-only, self-contained, and refuses a malformed day")
    func readOnlySelfContainedAndValidated() throws {
        try withDashboardCluster(workers: 1) { cluster in
            let base = cluster.dashboardURL
            #expect(try HTTP.request(base + "api/grid?day=2024-6-1").status == 400)
            #expect(try HTTP.request(base + "api/snapshot?day=yesterday").status == 400)
            // Shaped right but no such date: PostgreSQL refuses it, the API says 400, not 500.
            #expect(try HTTP.request(base + "api/grid?day=2024-13-45").status == 400)
            #expect(try HTTP.request(base + "api/nothing").status == 404)
            for path in ["api/jobs", "api/snapshot", "api/quarantine", "/"] {
                let status = try HTTP.request(base + path, method: "POST").status
                #expect(!(200..<300).contains(status), "POST \(path) answered \(status)")
            }
            let page = try HTTP.request(base)
            #expect(page.status == 200)
            #expect(page.contentType.hasPrefix("text/html"))
            // Nothing from the internet: every src/href on the page is a path on this server.
            for attribute in ["src=\"", "href=\""] {
                var rest = page.text[...]
                while let r = rest.range(of: attribute) {
                    #expect(
                        rest[r.upperBound...].hasPrefix("/"), "external reference: \(rest[r.upperBound...].prefix(60))")
                    rest = rest[r.upperBound...]
                }
            }
            for asset in ["dashboard.js", "dashboard.css"] {
                let reply = try HTTP.request(base + asset)
                #expect(reply.status == 200)
                // The SVG namespace name is an identifier, not a fetch; nothing else may name a host.
                let text = reply.text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
                #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "\(asset)")
            }
        }
    }
}

extension DashboardClusterTests {
    @Test("issue 11: after a kill -9, local.sh up brings the dashboard back at the address DIR remembers")
    func dashboardComesBackAtTheSameAddress() throws {
        try withDashboardCluster(workers: 1) { cluster in
            let url = cluster.dashboardURL
            #expect(try HTTP.request(url + "api/jobs").status == 200)
            try cluster.kill9("coordinator")
            #expect((try? HTTP.request(url + "api/jobs")) == nil, "the dashboard died with its coordinator")
            let again = try cluster.up()
            #expect(again.stdoutText.contains("export GS_DASHBOARD_URL=\(url)"))
            #expect(again.stderrText.contains("dashboard at \(url)"))
            #expect(try HTTP.request(url + "api/jobs").status == 200)
        }
    }
}
