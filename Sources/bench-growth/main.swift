// bench-growth: the hot store's commit rate as it grows day by day (issue 12, item 4). Commits
// day after day of a fleet (default 200 000 meters, 15-minute data: 19.2 M readings a day, in 20
// files of 10 000 meters ordered by meter) through HotStore.commit into two stores on the same
// server in the same run — the current schema (partitioned by day) and the reference, the schema
// as of migration 005 (one unpartitioned table) — file by file, alternating which goes first.
// Reports rows/s and table + index size after each day, then times the dashboard's queries on
// both stores at that size (median of --query-runs) with the relations each plan reads.
// Run from the repository root:
//
//   swift build -c release --product bench-growth
//   env -u GS_PG_URL .build/release/bench-growth [--days 4] [--meters 200000] [--files-per-day 20]
//
// Without GS_PG_URL it starts its own PostgreSQL with cluster/postgres.sh in --pg-dir, durable
// (fsync, synchronous_commit, full_page_writes on) unless --no-fsync, and deletes it afterwards.
// Writes a CSV (--csv, default out/bench-growth.csv) that scripts/plot-growth.py turns into
// docs/growth.png, and the plans next to it (…-plans.txt).
import Foundation
import GreenStreamStore
import GreenStreamTesting
import Postgres

/// Prints a line now, also when stdout is a file (progress of a run that takes half an hour).
func say(_ line: String) {
    print(line)
    fflush(nil)
}

let options: GrowthOptions
do { options = try GrowthOptions(CommandLine.arguments) } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

// MARK: The server
var ownedServer: ThrowawayPostgres?
let serverURL: String
if let url = ProcessInfo.processInfo.environment["GS_PG_URL"], !url.isEmpty {
    serverURL = url
} else {
    setenv("GS_PG_DURABLE", options.durable ? "1" : "0", 1)
    let server = ThrowawayPostgres(directory: options.pgDirectory)
    serverURL = try server.start()
    ownedServer = server
}
defer { _ = try? ownedServer?.run("stop") }
let admin = try PostgresConnection.connect(url: serverURL)
try admin.query("SELECT set_config('search_path', 'public', false)")
let settings = try [
    "server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_wal_size",
]
.map { "\($0)=" + (try admin.query("SELECT current_setting($1) AS v", [.text($0)]).row(0).string("v")) }

// MARK: The two stores
let bundled = try Migrator.bundled()
let latest = bundled.map(\.version).max() ?? 0
var stores: [GrowthSchema] = []
if options.schemas.contains("reference") {
    let reference = try GrowthSchema(
        label: "reference",
        serverURL: serverURL,
        admin: admin,
        migrations: bundled.filter { $0.version <= 5 }
    )
    // The commit first makes sure the days it touches have partitions (gs_ensure_day_partition of
    // migration 006). The reference has one plain table: there the call does nothing, so both
    // stores run the same commit code, its checks included.
    if latest > 5 {
        try reference.pool.withConnection { c in
            _ = try c.execute(
                unsafeSQL:
                    "CREATE FUNCTION gs_ensure_day_partition(day date) RETURNS boolean LANGUAGE sql AS 'SELECT false'"
            )
        }
    }
    stores.append(reference)
}
if options.schemas.contains("partitioned") {
    stores.append(try GrowthSchema(label: "partitioned", serverURL: serverURL, admin: admin, migrations: bundled))
}
defer { for store in stores { store.drop(admin) } }

let firstDay = options.startDay.flatMap(UTCDay.parse) ?? (UTCDay.today() - Int64(options.days) * 86_400)
let perDay = options.meters * (1440 / options.intervalMinutes)
say(
    """
    bench-growth: \(options.days) days × \(options.meters) meters × \(1440 / options.intervalMinutes) readings \
    = \(perDay) readings/day in \(options.filesPerDay) files, from \(UTCDay.format(firstDay)); \
    migrations up to \(latest); \(settings.joined(separator: ", "))
    """
)
for store in stores {
    say("  \(store.label): schema \(store.schema), readings \(store.isPartitioned ? "partitioned" : "NOT partitioned")")
}
if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
    say("  load average at start: \(load.split(separator: " ").prefix(3).joined(separator: " "))")
}

// MARK: Day after day
struct DayFigure {
    var label: String
    var day: Int
    var date: String
    var rows: Int
    var seconds: Double
    var slowestFile: Double
    var totalRows: Int
    var readings: GrowthSchema.Size
    var hourly: GrowthSchema.Size
    var rate: Double { Double(rows) / seconds }
}
var figures: [DayFigure] = []
var fileIndex = 0
for d in 0..<options.days {
    let day = firstDay + Int64(d) * 86_400
    var seconds = [Double](repeating: 0, count: stores.count)
    var slowest = [Double](repeating: 0, count: stores.count)
    var rows = 0
    for file in FleetFile.day(
        day,
        meters: options.meters,
        files: options.filesPerDay,
        intervalMinutes: options.intervalMinutes
    ) {
        let batch = file.batch()
        rows += batch.count
        // Alternate which store commits first, so neither always meets a warm page cache.
        let order = fileIndex % 2 == 0 ? Array(stores.indices) : Array(stores.indices.reversed())
        fileIndex += 1
        var progress: [String] = []
        for s in order {
            let t = try stores[s].commit(batch, name: file.name)
            seconds[s] += t
            slowest[s] = max(slowest[s], t)
            progress.append(String(format: "%@ %.2f s", stores[s].label, t))
        }
        say("    \(file.name): \(batch.count) readings; \(progress.joined(separator: ", "))")
    }
    for (s, store) in stores.enumerated() {
        let size = try store.size()
        let figure = DayFigure(
            label: store.label,
            day: d + 1,
            date: UTCDay.format(day),
            rows: rows,
            seconds: seconds[s],
            slowestFile: slowest[s],
            totalRows: store.rows,
            readings: size.readings,
            hourly: size.hourly
        )
        figures.append(figure)
        say(
            String(
                format: "  day %d %@ %@: %d rows in %.1f s = %.0f rows/s (slowest file %.2f s); store %.2f GB",
                figure.day,
                figure.date,
                store.label,
                rows,
                figure.seconds,
                figure.rate,
                figure.slowestFile,
                Double(figure.readings.total + figure.hourly.total) / 1e9
            )
        )
    }
}

// MARK: Dashboard queries at that size
let lastDay = firstDay + Int64(options.days - 1) * 86_400
let queries = DashboardQuery.dashboard(lastDay: lastDay, meter: Int64(options.meters / 2 + 1))
var timings: [(label: String, query: String, timing: DashboardQuery.Timing)] = []
for store in stores {
    try store.analyze()
    try store.pool.withConnection { c in
        for query in queries { timings.append((store.label, query.name, try query.time(c, runs: options.queryRuns))) }
    }
}

// MARK: Report
func mb(_ bytes: Int64) -> String { String(format: "%.0f", Double(bytes) / 1e6) }
say("")
say("| store | day | rows in store | rows/s | vs day 1 | readings heap + index (MB) | meter_hourly heap + index (MB) |")
say("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for store in stores {
    let own = figures.filter { $0.label == store.label }
    for f in own {
        say(
            "| \(f.label) | \(f.day) | \(f.totalRows) | \(Int(f.rate)) | "
                + String(format: "%.2f", f.rate / own[0].rate)
                + " | \(mb(f.readings.tableBytes)) + \(mb(f.readings.indexBytes))"
                + " | \(mb(f.hourly.tableBytes)) + \(mb(f.hourly.indexBytes)) |"
        )
    }
}
say("")
say("| store | query | median ms | min–max ms | rows | relations read |")
say("| --- | --- | ---: | ---: | ---: | --- |")
for t in timings {
    let relations = Dictionary(grouping: t.timing.scanned) { $0 }.keys.sorted()
    say(
        "| \(t.label) | \(t.query) | "
            + String(format: "%.1f | %.1f–%.1f", t.timing.medianMs, t.timing.minMs, t.timing.maxMs)
            + " | \(t.timing.rows) | \(relations.count): \(relations.joined(separator: ", ")) |"
    )
}
say("")
for store in stores {
    let own = figures.filter { $0.label == store.label }
    guard let first = own.first, let last = own.last else { continue }
    let ratio = last.rate / first.rate
    say(
        String(
            format: "%@: last day / first day = %.2f (goal for the partitioned store: ≥ 0.90, %@)",
            store.label,
            ratio,
            store.label == "partitioned" ? (ratio >= 0.9 ? "met" : "MISSED") : "reference"
        )
    )
}
for t in timings where t.label == "partitioned" {
    say(
        String(
            format: "partitioned, %@: %.1f ms (goal < 50 ms: %@)",
            t.query,
            t.timing.medianMs,
            t.timing.medianMs < 50 ? "met" : "MISSED"
        )
    )
}
if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
    say("load average at end: \(load.split(separator: " ").prefix(3).joined(separator: " "))")
}

// MARK: CSV and plans
var csv =
    "kind,store,day,date,rows_in_store,day_rows,seconds,rows_per_s,readings_table_bytes,readings_index_bytes,"
    + "hourly_table_bytes,hourly_index_bytes,query,median_ms,min_ms,max_ms\n"
for f in figures {
    csv +=
        "day,\(f.label),\(f.day),\(f.date),\(f.totalRows),\(f.rows),\(String(format: "%.3f", f.seconds)),"
        + "\(Int(f.rate)),\(f.readings.tableBytes),\(f.readings.indexBytes),"
        + "\(f.hourly.tableBytes),\(f.hourly.indexBytes),,,,\n"
}
for t in timings {
    csv +=
        "query,\(t.label),,,,,,,,,,,\(t.query),"
        + String(format: "%.2f,%.2f,%.2f", t.timing.medianMs, t.timing.minMs, t.timing.maxMs) + "\n"
}
let csvURL = URL(fileURLWithPath: options.csvPath)
try FileManager.default.createDirectory(at: csvURL.deletingLastPathComponent(), withIntermediateDirectories: true)
try csv.write(to: csvURL, atomically: true, encoding: .utf8)
let plansPath = options.csvPath.replacingOccurrences(of: ".csv", with: "") + "-plans.txt"
try timings.map { "## \($0.label): \($0.query)\n\($0.timing.plan)\n" }.joined(separator: "\n")
    .write(toFile: plansPath, atomically: true, encoding: .utf8)
say("wrote \(options.csvPath) and \(plansPath)")
