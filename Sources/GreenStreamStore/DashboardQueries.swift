// The dashboard's reads (issue 11). Each is one or two short statements over rollups and small
// tables, so the page stays responsive at a million meters: grid load comes from the `grid_hourly`
// view restricted to the day's hour_start range (index `meter_hourly_hour`, and partition pruning
// once meter_hourly is partitioned by day), job counts from the trigger-kept delta table (R-J-9),
// throughput from succeeded jobs by finish time (index `jobs_succeeded_finished`, migration 007),
// quarantined files from `jobs_state_id`. Nothing here reads `readings`. docs/DASHBOARD.md.
import Foundation
import GreenStreamCore
import Postgres

/// One hour of a grid day: its load and its rank among the day's hours (1 = the peak hour, R-F-3).
public struct DashboardGridHour: Sendable, Equatable, Codable {
    /// Start of the grid-zone clock hour, unix microseconds.
    public var hourStartMicros: Int64
    /// The hour on the grid zone's clock, 0–23 (a DST fall-back day shows one number twice).
    public var hourOfDay: Int
    public var meters: Int
    public var loadKW: Double
    /// Rank by load, highest first, ties broken by the earlier hour (as `grid_peak_hours`).
    public var peakRank: Int
}

/// A grid-zone day's hours that have readings, in time order.
public struct DashboardGridDay: Sendable, Equatable, Codable {
    /// YYYY-MM-DD on the grid zone's calendar.
    public var day: String
    /// The grid zone (store setting `grid_time_zone`).
    public var zone: String
    /// The day's first instant and the next day's first instant, unix microseconds (23 or 25 hours
    /// apart on DST days).
    public var startMicros: Int64
    public var endMicros: Int64
    /// True when `day` is the grid zone's current day.
    public var isToday: Bool
    /// Database clock when the day was read (before its hours), unix microseconds.
    public var nowMicros: Int64
    public var hours: [DashboardGridHour]
}

/// Readings committed per time bucket over the last minutes, from succeeded jobs' finish times.
public struct DashboardThroughput: Sendable, Equatable, Codable {
    /// Database clock when asked, unix microseconds.
    public var nowMicros: Int64
    public var windowSeconds: Int
    public var bucketSeconds: Int
    /// Every bucket of the window, oldest first, zeros included; the last one is still filling.
    public var buckets: [Bucket]

    public struct Bucket: Sendable, Equatable, Codable {
        public var startMicros: Int64
        public var readings: Int64
        public var jobs: Int
    }

    /// Readings stored by jobs that finished in the window.
    public var readings: Int64 { buckets.reduce(0) { $0 + $1.readings } }
    /// The window's mean rate.
    public var readingsPerSecond: Double { windowSeconds > 0 ? Double(readings) / Double(windowSeconds) : 0 }
}

/// A worker and its last heartbeat.
public struct DashboardWorker: Sendable, Equatable, Codable {
    public var id: String
    public var lastHeartbeatMicros: Int64
    /// Seconds since that heartbeat, by the database clock.
    public var secondsSinceHeartbeat: Double
    /// Attempts it holds a lease for.
    public var runningAttempts: Int
}

/// A quarantined job: its file and the reason (`last_error`, e.g. `missing_column:unit`).
public struct DashboardQuarantinedFile: Sendable, Equatable, Codable {
    public var jobID: Int64
    public var file: String
    public var reason: String
    public var attempts: Int
    public var finishedAtMicros: Int64
}

/// The dashboard's read-only queries, on a pool of their own or the coordinator's.
public struct DashboardQueries: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) { self.pool = pool }

    // MARK: grid

    /// The grid load of day `day` (YYYY-MM-DD in the grid zone; the zone's current day when nil),
    /// hour by hour, each hour ranked by load.
    /// - Throws: ``StoreError/invalidParameter(_:)`` for a day that is not YYYY-MM-DD.
    public func gridDay(_ day: String?) throws -> DashboardGridDay {
        if let day, !Self.isDay(day) { throw StoreError.invalidParameter("day must be YYYY-MM-DD, got \(day)") }
        return try pool.withConnection { c in
            // The bounds first, as literals for the second statement: the planner then sees a
            // constant hour_start range (index range scan; partition pruning at plan time).
            let b = try c.query(Self.dayBoundsSQL, [day.map(PostgresValue.text) ?? .null]).row(0)
            let zone = try b.string("zone")
            let rows = try c.query(
                Self.gridHoursSQL, [.text(try b.string("lo")), .text(try b.string("hi")), .text(zone)])
            let hours = try rows.allRows.map {
                DashboardGridHour(
                    hourStartMicros: try $0.int("hour_start"), hourOfDay: Int(try $0.int("hour_of_day")),
                    meters: Int(try $0.int("meters")), loadKW: try $0.double("load_kw"),
                    peakRank: Int(try $0.int("peak_rank")))
            }
            return DashboardGridDay(
                day: try b.string("day"), zone: zone, startMicros: try b.int("lo_micros"),
                endMicros: try b.int("hi_micros"), isToday: try b.bool("is_today"),
                nowMicros: try b.int("now_micros"), hours: hours)
        }
    }

    /// `$1`: the day or NULL for today. The day's bounds are midnight to midnight on the zone's
    /// clock, as instants (`timestamp AT TIME ZONE zone`), so DST days have 23 or 25 hours.
    static let dayBoundsSQL = """
        WITH z AS (SELECT value AS zone FROM store_settings WHERE key = 'grid_time_zone'),
        d AS (
            SELECT z.zone, coalesce($1::date, (now() AT TIME ZONE z.zone)::date) AS day,
                   (now() AT TIME ZONE z.zone)::date AS today
            FROM z
        ), b AS (
            SELECT zone, day, today, day::timestamp AT TIME ZONE zone AS lo,
                   (day + 1)::timestamp AT TIME ZONE zone AS hi
            FROM d
        )
        SELECT zone, to_char(day, 'YYYY-MM-DD') AS day, day = today AS is_today, lo::text AS lo, hi::text AS hi,
               gs_to_unix_micros(lo) AS lo_micros, gs_to_unix_micros(hi) AS hi_micros,
               gs_to_unix_micros(now()) AS now_micros
        FROM b
        """

    /// `$1`/`$2`: the day's bounds, `$3`: the zone. The range on hour_start is pushed through the
    /// view's GROUP BY into meter_hourly, so only the day's rollup rows are read.
    static let gridHoursSQL = """
        SELECT gs_to_unix_micros(hour_start) AS hour_start,
               extract(hour FROM hour_start AT TIME ZONE $3)::integer AS hour_of_day,
               meters, load_kw,
               rank() OVER (ORDER BY load_kw DESC, hour_start) AS peak_rank
        FROM grid_hourly
        WHERE hour_start >= $1::timestamptz AND hour_start < $2::timestamptz
        ORDER BY hour_start
        """

    /// YYYY-MM-DD naming a date that exists (2024-02-30 does not).
    static func isDay(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[$0]) }),
            let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)), let day = Int(text.suffix(2))
        else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DateComponents(calendar: calendar, year: year, month: month, day: day).isValidDate
    }

    // MARK: jobs

    /// Jobs per state (every state, zeros included), from the delta table (R-J-9).
    public func jobCounts() throws -> [JobState: Int64] {
        try JobStore(pool: pool).jobCountsByState()
    }

    /// Readings committed over the last `windowSeconds`, per `bucketSeconds`, by the finish time of
    /// succeeded jobs (the commit that stored them ends the job in the same transaction).
    public func throughput(windowSeconds: Int = 600, bucketSeconds: Int = 10) throws -> DashboardThroughput {
        guard bucketSeconds > 0, windowSeconds >= bucketSeconds, windowSeconds <= 86_400 else {
            throw StoreError.invalidParameter("throughput wants 0 < bucket ≤ window ≤ 86400 s")
        }
        let (now, rows) = try pool.withConnection { c in
            let now = try c.query("SELECT gs_to_unix_micros(now()) AS now").row(0).int("now")
            let rows = try c.query(Self.throughputSQL, [.int(Int64(windowSeconds)), .int(Int64(bucketSeconds))])
            return (now, rows)
        }
        let bucketMicros = Int64(bucketSeconds) * 1_000_000
        let last = (now / bucketMicros) * bucketMicros
        let count = windowSeconds / bucketSeconds
        var buckets = (0..<count).map {
            DashboardThroughput.Bucket(startMicros: last - Int64(count - 1 - $0) * bucketMicros, readings: 0, jobs: 0)
        }
        for row in rows.allRows {
            let start = try row.int("bucket") * 1_000_000
            guard let i = buckets.firstIndex(where: { $0.startMicros == start }) else { continue }
            buckets[i].readings = try row.int("readings")
            buckets[i].jobs = Int(try row.int("jobs"))
        }
        return DashboardThroughput(
            nowMicros: now, windowSeconds: windowSeconds, bucketSeconds: bucketSeconds, buckets: buckets)
    }

    /// `$1`: window seconds, `$2`: bucket seconds. Buckets are aligned to the epoch, as the Swift side
    /// lays them out; the window starts at the first bucket's start.
    static let throughputSQL = """
        SELECT (floor(extract(epoch FROM finished_at) / $2) * $2)::bigint AS bucket,
               coalesce(sum(stored_rows), 0)::bigint AS readings, count(*)::bigint AS jobs
        FROM jobs
        WHERE state = 'succeeded'
          AND finished_at >= to_timestamp(floor(extract(epoch FROM now()) / $2) * $2 - $1 + $2)
        GROUP BY 1
        ORDER BY 1
        """

    /// The `limit` most recently created quarantined jobs, newest first.
    public func quarantined(limit: Int = 10) throws -> [DashboardQuarantinedFile] {
        guard (1...1000).contains(limit) else { throw StoreError.invalidParameter("limit must be 1…1000") }
        let rows = try pool.withConnection { c in try c.query(Self.quarantinedSQL, [.int(Int64(limit))]) }
        return try rows.allRows.map {
            DashboardQuarantinedFile(
                jobID: try $0.int("id"), file: try $0.string("file_name"), reason: try $0.string("reason"),
                attempts: Int(try $0.int("attempt")), finishedAtMicros: try $0.int("finished_at"))
        }
    }

    static let quarantinedSQL = """
        SELECT id, file_name, coalesce(last_error, '') AS reason, attempt, gs_to_unix_micros(finished_at) AS finished_at
        FROM jobs WHERE state = 'quarantined' ORDER BY id DESC LIMIT $1
        """

    // MARK: workers

    /// The `limit` most recently heard-from workers with their last heartbeat.
    public func workers(limit: Int = 50) throws -> [DashboardWorker] {
        guard (1...1000).contains(limit) else { throw StoreError.invalidParameter("limit must be 1…1000") }
        let rows = try pool.withConnection { c in try c.query(Self.workersSQL, [.int(Int64(limit))]) }
        return try rows.allRows.map {
            DashboardWorker(
                id: try $0.string("id"), lastHeartbeatMicros: try $0.int("last_heartbeat"),
                secondsSinceHeartbeat: try $0.double("age"), runningAttempts: Int(try $0.int("running")))
        }
    }

    static let workersSQL = """
        SELECT w.id, gs_to_unix_micros(w.last_heartbeat_at) AS last_heartbeat,
               greatest(extract(epoch FROM now() - w.last_heartbeat_at), 0)::float8 AS age,
               (SELECT count(*) FROM attempt_leases l WHERE l.worker_id = w.id)::bigint AS running
        FROM workers w
        ORDER BY w.last_heartbeat_at DESC, w.id
        LIMIT $1
        """
}

/// The `async` twins: each runs on the pool's store threads, like the other store calls.
extension DashboardQueries {
    /// See ``gridDay(_:)``.
    public func gridDay(_ day: String?) async throws -> DashboardGridDay {
        try await pool.threads.run { try self.gridDay(day) }
    }

    /// See ``jobCounts()``.
    public func jobCounts() async throws -> [JobState: Int64] {
        try await pool.threads.run { try self.jobCounts() }
    }

    /// See ``throughput(windowSeconds:bucketSeconds:)``.
    public func throughput(windowSeconds: Int = 600, bucketSeconds: Int = 10) async throws -> DashboardThroughput {
        try await pool.threads.run { try self.throughput(windowSeconds: windowSeconds, bucketSeconds: bucketSeconds) }
    }

    /// See ``quarantined(limit:)``.
    public func quarantined(limit: Int = 10) async throws -> [DashboardQuarantinedFile] {
        try await pool.threads.run { try self.quarantined(limit: limit) }
    }

    /// See ``workers(limit:)``.
    public func workers(limit: Int = 50) async throws -> [DashboardWorker] {
        try await pool.threads.run { try self.workers(limit: limit) }
    }
}

extension DashboardQueries {
    /// True for text shaped YYYY-MM-DD (digits); PostgreSQL still judges whether the date exists.
    public static func isDayText(_ text: String) -> Bool { isDay(text) }
}
