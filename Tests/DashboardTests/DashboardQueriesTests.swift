import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// The dashboard's queries (Sources/GreenStreamStore/DashboardQueries.swift) on a real PostgreSQL:
/// same numbers as the views, the day's bounds in the grid zone, and plans that can use indexes
/// and never touch `readings`.
struct DashboardQueriesTests {
    @Test("R-F-3: a day's hours and ranks equal grid_peak_hours; other days and empty rollups stay out")
    func gridDayEqualsThePeakView() throws {
        let db = try QueryDatabase()
        for (hour, load) in [("2024-06-01 17:00Z", 9.0), ("2024-06-01 18:00Z", 12.0), ("2024-06-01 03:00Z", 2.0)] {
            try db.rollup(meter: 1, hour: hour, kwSum: load * 4)
            try db.rollup(meter: 2, hour: hour, kwSum: 4)
        }
        try db.rollup(meter: 1, hour: "2024-05-31 23:00Z", kwSum: 400)  // the day before: not shown
        try db.rollup(meter: 1, hour: "2024-06-02 00:00Z", kwSum: 400)  // the day after: not shown
        try db.rollup(meter: 3, hour: "2024-06-01 05:00Z", kwSum: 0, readings: 0)  // an emptied rollup row

        let day = try db.queries.gridDay("2024-06-01")
        #expect(day.day == "2024-06-01")
        #expect(day.zone == "UTC")
        #expect(!day.isToday)
        #expect(day.endMicros - day.startMicros == 24 * 3_600_000_000)
        let view = try db.sql(
            """
            SELECT gs_to_unix_micros(hour_start) AS h, meters, load_kw, peak_rank FROM grid_peak_hours
            WHERE day = '2024-06-01' ORDER BY hour_start
            """)
        #expect(day.hours.count == 3)
        #expect(day.hours.map(\.hourStartMicros) == (try view.map { try $0.int("h") }))
        #expect(day.hours.map(\.loadKW) == (try view.map { try $0.double("load_kw") }))
        #expect(day.hours.map { Int64($0.peakRank) } == (try view.map { try $0.int("peak_rank") }))
        #expect(day.hours.map(\.meters) == [2, 2, 2])
        #expect(day.hours.map(\.hourOfDay) == [3, 17, 18])
        #expect(day.hours.first { $0.peakRank == 1 }?.hourOfDay == 18)
    }

    @Test("R-F-3: a grid zone's DST day has 23 hours, labelled on the zone's clock")
    func dstDayInTheGridZone() throws {
        let db = try QueryDatabase()
        try db.sql("UPDATE store_settings SET value = 'Europe/Berlin' WHERE key = 'grid_time_zone'")
        try db.rollup(meter: 1, hour: "2024-03-30 23:00Z", kwSum: 4)  // 00:00 in Berlin on the 31st
        try db.rollup(meter: 1, hour: "2024-03-31 01:00Z", kwSum: 8)  // 03:00 CEST (02:00 never happened)
        try db.rollup(meter: 1, hour: "2024-03-31 22:00Z", kwSum: 12)  // 00:00 on April 1st: not shown
        let day = try db.queries.gridDay("2024-03-31")
        #expect(day.zone == "Europe/Berlin")
        #expect(day.endMicros - day.startMicros == 23 * 3_600_000_000)
        #expect(day.hours.map(\.hourOfDay) == [0, 3])
        #expect(day.hours.map(\.loadKW) == [1, 2])
    }

    @Test("issue 11: today is the grid zone's current day")
    func todayIsTheZonesDay() throws {
        let db = try QueryDatabase()
        let today = try db.queries.gridDay(nil)
        let expected = try db.sql("SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS d")[0].string("d")
        #expect(today.day == expected)
        #expect(today.isToday)
        #expect(today.hours.isEmpty)
    }

    @Test("issue 11: a malformed or impossible day is refused before any SQL")
    func malformedDay() throws {
        let db = try QueryDatabase()
        for bad in ["2024-6-01", "yesterday", "2024-02-30", "2024-13-01", "2024-06-01' OR 1=1"] {
            #expect(throws: StoreError.self) { try db.queries.gridDay(bad) }
        }
    }

    @Test("issue 11: throughput counts readings of jobs that succeeded inside the window, per bucket")
    func throughputWindow() throws {
        let db = try QueryDatabase()
        try db.finishedJob("a.csv", state: "succeeded", storedRows: 1000, finishedAgo: "30 seconds")
        try db.finishedJob("b.csv", state: "succeeded", storedRows: 500, finishedAgo: "2 minutes")
        try db.finishedJob("old.csv", state: "succeeded", storedRows: 7, finishedAgo: "2 hours")
        try db.finishedJob(
            "bad.csv", state: "quarantined", storedRows: nil, finishedAgo: "10 seconds", error: "too_large")
        let t = try db.queries.throughput(windowSeconds: 600, bucketSeconds: 10)
        #expect(t.buckets.count == 60)
        #expect(t.readings == 1500)
        #expect(t.buckets.map(\.jobs).reduce(0, +) == 2)
        #expect(t.readingsPerSecond == 1500.0 / 600)
        #expect(t.buckets.last!.startMicros <= t.nowMicros && t.nowMicros < t.buckets.last!.startMicros + 10_000_000)
        let quarantined = try db.queries.quarantined(limit: 10)
        #expect(quarantined.map(\.file) == ["bad.csv"])
        #expect(quarantined.map(\.reason) == ["too_large"])
    }

    @Test("issue 11: the dashboard's plans can use indexes and never read `readings`")
    func plansUseIndexes() throws {
        let db = try QueryDatabase()
        // Enough rows, analyzed, that the planner prices the ranges rather than guessing.
        try db.ensureDays(from: "2024-05-30", through: "2024-06-02")
        try db.sql(
            """
            INSERT INTO meter_hourly (meter_id, hour_start, kw_sum, readings)
            SELECT m, '2024-05-30 00:00Z'::timestamptz + make_interval(hours => h), 4, 4
            FROM generate_series(1, 200) m, generate_series(0, 95) h
            """)
        try db.sql(
            """
            INSERT INTO jobs (state, file_name, sha256, size_bytes, stored_rows, finished_at, attempt)
            SELECT 'succeeded', 'f' || i, sha256(convert_to('f' || i, 'UTF8')), 1, 100, now() - make_interval(mins => i), 1
            FROM generate_series(1, 2000) i
            """)
        try db.sql("ANALYZE meter_hourly")
        try db.sql("ANALYZE jobs")
        let grid = try db.plan(
            DashboardQueries.gridHoursSQL, [.text("2024-06-01 00:00Z"), .text("2024-06-02 00:00Z"), .text("UTC")])
        // Only the day's rollup rows are read: on an unpartitioned meter_hourly through an index on
        // hour_start; once meter_hourly is partitioned by day (issue 12), by pruning to the day's
        // partition, which is then the time index (its name varies, so the relations are counted).
        let relations = Self.scannedRelations(grid)
        #expect(relations.count == 1, "\(grid)")
        if relations == ["meter_hourly"] {
            #expect(grid.contains("Index Cond") && grid.contains("hour_start"), "\(grid)")
        } else {
            #expect(relations.allSatisfy { $0.hasPrefix("meter_hourly") && $0.contains("20240601") }, "\(grid)")
        }
        let throughput = try db.plan(DashboardQueries.throughputSQL, [.int(600), .int(10)])
        #expect(throughput.contains("jobs_succeeded_finished"), "\(throughput)")
        let quarantine = try db.plan(DashboardQueries.quarantinedSQL, [.int(10)])
        #expect(quarantine.contains("jobs_state_id"), "\(quarantine)")
        for plan in [grid, throughput, quarantine] {
            #expect(!plan.contains(" on readings"), "\(plan)")
        }
    }

    /// Tables a plan scans (not indexes, views or subqueries): the word after " on " in each table scan.
    static func scannedRelations(_ plan: String) -> Set<String> {
        var names: Set<String> = []
        let tableScans = ["Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"]
        // A "Bitmap Index Scan on X" names an index (its heap scan names the table): not a relation.
        for line in plan.split(separator: "\n")
        where tableScans.contains(where: { line.contains($0) }) && !line.contains("Bitmap Index Scan") {
            guard let on = line.range(of: " on ") else { continue }
            names.insert(String(line[on.upperBound...].prefix { !$0.isWhitespace }))
        }
        return names
    }
}
