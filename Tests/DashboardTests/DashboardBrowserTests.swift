import Foundation
import GreenStreamTesting
import Postgres
import Testing

/// The tests that run real processes (clusters, coordinators, chromium): one suite, serialized,
/// so a 2-core machine runs one cluster at a time and no deadline turns into a race.
@Suite(.serialized)
struct DashboardClusterTests {
    /// The day of samples/fleet.
    static let day = "2024-06-01"
}

/// Issue 11 item 4: the page in a real browser (Debian's chromium, headless) against a real
/// cluster, its numbers checked against the database.
extension DashboardClusterTests {
    @Test("issue 11: the page draws zeros before data, then the database's numbers once files land")
    func pageShowsWhatTheDatabaseHolds() throws {
        try withDashboardCluster { cluster in
            let url = cluster.dashboardURL + "?day=" + Self.day
            // Before any data: the script ran, drew the empty day, and kept polling by itself.
            let before = try Chromium.dumpDOM(url)
            #expect(before.updates >= 2, "the page polled and redrew without a reload: \(before)")
            #expect(before.value("jobs-total") == "0")
            #expect(before.value("day-hours") == "0")
            #expect(before.value("peak-hour") == "")
            #expect(before.html.contains("no readings for this day yet"))
            #expect(before.html.contains("2024-06-01"))

            let names = try cluster.landSampleFleet()
            try cluster.waitForTerminalJobs(names.count)
            try cluster.waitForWorkers(2)
            // Everything committed is visible from here on; a snapshot started later shows all of it.
            let seen = try cluster.query("SELECT gs_to_unix_micros(clock_timestamp()) AS t")[0].int("t")
            var page = before
            try Wait.until(
                "the page shows a snapshot started after every job ended", timeout: 60, detail: { "\(page)" }
            ) {
                page = try Chromium.dumpDOM(url, budgetMS: 3000)
                return page.generatedAtMicros > seen
            }
            #expect(page.updates >= 2)

            // Jobs by state, as SQL counts them.
            var counts: [String: Int64] = [:]
            for row in try cluster.query("SELECT state::text AS s, count(*)::bigint AS n FROM jobs GROUP BY 1") {
                counts[try row.string("s")] = try row.int("n")
            }
            for state in ["pending", "running", "retrying", "succeeded", "duplicate", "quarantined"] {
                #expect(page.value("jobs-\(state)") == String(counts[state] ?? 0), "jobs \(state)")
            }
            #expect(page.value("jobs-total") == String(names.count))
            #expect((counts["quarantined"] ?? 0) >= 1, "samples/fleet/04-broken-export.csv is quarantined")

            // The day's peak hour and load (R-F-3), from the view the SQL users read.
            let peak = try cluster.query(
                """
                SELECT extract(hour FROM hour_start AT TIME ZONE 'UTC')::int AS h, load_kw FROM grid_peak_hours
                WHERE day = $1::date AND peak_rank = 1
                """, [.text(Self.day)])[0]
            #expect(page.value("peak-hour") == String(try peak.int("h")))
            #expect(page.number("peak-load") == (try peak.double("load_kw")))

            // Totals over the day's hours.
            let totals = try cluster.query(
                """
                SELECT count(*)::bigint AS hours, sum(load_kw) AS energy, max(meters)::bigint AS meters
                FROM grid_hourly WHERE (hour_start AT TIME ZONE 'UTC')::date = $1::date
                """, [.text(Self.day)])[0]
            #expect(page.value("day-hours") == String(try totals.int("hours")))
            #expect(page.value("max-meters") == String(try totals.int("meters")))
            let energy = try totals.double("energy")
            #expect(abs((page.number("day-energy") ?? -1) - energy) <= 1e-9 * energy, "energy \(energy)")

            // Readings committed in the window: every job of this fresh cluster finished inside it.
            let stored = try cluster.query(
                "SELECT coalesce(sum(stored_rows), 0)::bigint AS n FROM jobs WHERE state = 'succeeded'")[0].int("n")
            #expect(stored > 0)
            #expect(page.value("window-readings") == String(stored))

            // The quarantined file's reason, row by row.
            for row in try cluster.query("SELECT id, last_error FROM jobs WHERE state = 'quarantined'") {
                #expect(page.quarantineReason(job: try row.int("id")) == (try row.string("last_error")))
            }
            #expect(page.html.contains("missing_column:unit"))

            // Every worker the database knows is listed.
            for row in try cluster.query("SELECT id FROM workers") {
                #expect(page.html.contains("data-worker=\"\(try row.string("id"))\""))
            }
        }
    }
}
