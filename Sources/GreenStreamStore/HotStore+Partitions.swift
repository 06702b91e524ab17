import Postgres

/// One UTC day's partition of the hot store.
public struct HotPartitionDay: Sendable, Equatable {
    /// `YYYY-MM-DD`, UTC.
    public var day: String

    public init(day: String) { self.day = day }
}

/// How much the hot store holds (``HotStore/extent()``).
public struct HotStoreExtent: Sendable, Equatable {
    /// Oldest UTC day (`YYYY-MM-DD`) whose readings partition holds rows; nil when the store is empty.
    public var oldestDay: String?
    /// Newest UTC day whose readings partition holds rows (partitions made ahead are empty).
    public var newestDay: String?
    /// Readings stored, estimated per partition the way the planner does: rows per page at its
    /// last ANALYZE times its pages now (so files committed since that ANALYZE count too), or the
    /// server's live-row count for a partition analyzed while empty or never. Exact right after an
    /// ANALYZE of a quiet store; counting 600 M rows exactly would take minutes.
    public var rows: Int64
    /// Bytes on disk of readings and meter_hourly, indexes and TOAST included.
    public var bytes: Int64

    public init(oldestDay: String?, newestDay: String?, rows: Int64, bytes: Int64) {
        self.oldestDay = oldestDay
        self.newestDay = newestDay
        self.rows = rows
        self.bytes = bytes
    }
}

/// Day partitions of `readings` and `meter_hourly` (Migrations/006_day_partitions.sql, docs/STORE.md).
extension HotStore {
    /// Creates the daily partitions of readings and meter_hourly for the UTC days
    /// [`fromDay`, `throughDay`] (`YYYY-MM-DD`) that do not exist yet. Idempotent; concurrent
    /// callers (other stores, other coordinators) take turns on an advisory lock. Each partition
    /// is ATTACHed, which does not wait for or block commits and queries running meanwhile.
    /// - Throws: ``StoreError/invalidParameter(_:)`` for a malformed day or a range over 3 660 days.
    public func ensurePartitions(fromDay: String, throughDay: String) throws {
        guard let from = HotStoreRetention.dayNumber(fromDay), let through = HotStoreRetention.dayNumber(throughDay)
        else { throw StoreError.invalidParameter("days must read YYYY-MM-DD: \(fromDay), \(throughDay)") }
        guard from <= through, through - from < 3660 else {
            throw StoreError.invalidParameter("day range \(fromDay)…\(throughDay) is empty or longer than 3660 days")
        }
        try pool.withConnection { try ensureDays(Array(from...through), $0) }
    }

    /// Drops the partitions of readings and meter_hourly of every UTC day that ends before
    /// `now − retentionDays × 24 h` (whole partitions, both tables in one transaction, so rollups
    /// keep matching readings) and returns those days, oldest first. Waits for commits and
    /// queries already running on the tables (ACCESS EXCLUSIVE, taken with a 2 s lock timeout and
    /// retried), so new ones wait at most that long. See docs/STORE.md, "Retention".
    /// - Parameters:
    ///   - retentionDays: at least 1.
    ///   - now: Unix seconds.
    public func dropPartitions(olderThanDays retentionDays: Int, now: Int64) throws -> [String] {
        guard retentionDays >= 1 else { throw StoreError.invalidParameter("retention must be at least 1 day") }
        let firstKept = HotStoreRetention.firstKeptDay(retentionDays: retentionDays, now: now)
        return try pool.withConnection { c in
            try withPartitionLock(c) {
                let doomed = try partitionDays(c).filter { $0 < firstKept }
                guard !doomed.isEmpty else { return [] }
                var tries = 0
                while true {
                    tries += 1
                    do {
                        return try c.transaction(.readCommitted) { c in
                            // Off: a hash join would scan the whole first kept day for the edge hour.
                            try c.execute(
                                unsafeSQL: """
                                    SET LOCAL lock_timeout = '2s'; SET LOCAL enable_hashjoin = off;
                                    SET LOCAL enable_mergejoin = off
                                    """)
                            // Commits lock readings, then meter_hourly: the same order here.
                            try c.execute(unsafeSQL: "LOCK TABLE ONLY readings IN ACCESS EXCLUSIVE MODE")
                            try c.execute(unsafeSQL: "LOCK TABLE ONLY meter_hourly IN ACCESS EXCLUSIVE MODE")
                            let dropped = try c.query(
                                "SELECT to_char(d, 'YYYY-MM-DD') AS day FROM gs_drop_day_partitions_before($1::date) d",
                                [.text(HotStoreRetention.dayString(firstKept))])
                            return try dropped.allRows.map { try $0.string("day") }
                        }
                    } catch let error as PostgresError where error.sqlState == "55P03" && tries < 10 {
                        // lock_timeout: a long commit holds the tables; let it finish and try again.
                        continue
                    }
                }
            }
        }
    }

    /// ``dropPartitions(olderThanDays:now:)`` with this store's ``HotStoreSettings/retentionDays``
    /// and clock; nothing when the store keeps everything. The coordinator calls it at start and
    /// about hourly, and logs the days it returns.
    public func dropExpiredPartitions() throws -> [String] {
        guard let days = settings.retentionDays else { return [] }
        return try dropPartitions(olderThanDays: days, now: settings.now())
    }

    /// Oldest and newest day holding readings, readings stored (estimated) and bytes on disk.
    public func extent() throws -> HotStoreExtent {
        try pool.withConnection { c in
            let parts = try c.query(
                """
                SELECT (gs_partition_day(c.relname) - date '1970-01-01')::bigint AS day,
                       i.inhparent = 'readings'::regclass AS is_readings,
                       pg_total_relation_size(c.oid) AS bytes,
                       CASE WHEN c.reltuples > 0 AND c.relpages > 0
                            THEN (c.reltuples / c.relpages
                                  * (pg_relation_size(c.oid) / current_setting('block_size')::bigint))::bigint
                            ELSE coalesce(pg_stat_get_live_tuples(c.oid), 0) END AS rows
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent IN ('readings'::regclass, 'meter_hourly'::regclass)
                """)
            var bytes: Int64 = 0
            var rows: Int64 = 0
            var days: [Int64] = []
            for row in parts.allRows {
                bytes += try row.int("bytes")
                guard try row.bool("is_readings") else { continue }
                rows += try row.int("rows")
                if let day = try row.optionalInt("day") { days.append(day) }
            }
            days.sort()
            // Partitions made ahead (and days emptied by corrections) hold no rows: skip them.
            func holdsRows(_ day: Int64) throws -> Bool {
                try c.query(
                    """
                    SELECT EXISTS (SELECT 1 FROM readings WHERE ts >= $1::date::timestamp AT TIME ZONE 'UTC'
                                   AND ts < ($1::date + 1)::timestamp AT TIME ZONE 'UTC') AS any
                    """, [.text(HotStoreRetention.dayString(day))]
                ).row(0).bool("any")
            }
            let oldest = try days.first(where: holdsRows)
            let newest = try days.reversed().first(where: holdsRows)
            return HotStoreExtent(
                oldestDay: oldest.map(HotStoreRetention.dayString), newestDay: newest.map(HotStoreRetention.dayString),
                rows: oldest == nil ? 0 : rows, bytes: bytes)
        }
    }

    /// The UTC days that have a partition of readings or meter_hourly, ascending.
    public func partitionDays() throws -> [HotPartitionDay] {
        try pool.withConnection { c in
            try partitionDays(c).map { HotPartitionDay(day: HotStoreRetention.dayString($0)) }
        }
    }

    // MARK: - Internals

    /// Day numbers with a partition of either table, ascending.
    func partitionDays(_ c: PostgresConnection) throws -> [Int64] {
        try c.query(
            """
            SELECT DISTINCT (gs_partition_day(c.relname) - date '1970-01-01')::bigint AS day
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent IN ('readings'::regclass, 'meter_hourly'::regclass)
              AND gs_partition_day(c.relname) IS NOT NULL
            ORDER BY 1
            """
        ).allRows.map { try $0.int("day") }
    }

    /// Creates the missing partitions of `days` (day numbers) under the partition lock, in one
    /// transaction of its own. The lock is taken before BEGIN, so the transaction sees the tables
    /// that the previous holder created.
    func ensureDays(_ days: [Int64], _ c: PostgresConnection) throws {
        guard !days.isEmpty else { return }
        _ = try withPartitionLock(c) {
            try c.transaction(.readCommitted) { c in
                try c.query(
                    "SELECT gs_ensure_day_partition(d) FROM unnest($1::date[]) AS d ORDER BY d",
                    [.text("{" + days.map(HotStoreRetention.dayString).joined(separator: ",") + "}")])
            }
        }
    }

    /// The days of `days` (day numbers) that lack a partition of readings or meter_hourly.
    func missingDays(_ days: [Int64], _ c: PostgresConnection) throws -> [Int64] {
        guard !days.isEmpty else { return [] }
        return try c.query(
            """
            SELECT (d - date '1970-01-01')::bigint AS day FROM unnest($1::date[]) AS d
            WHERE to_regclass(quote_ident('readings_' || to_char(d, 'YYYYMMDD'))) IS NULL
               OR to_regclass(quote_ident('meter_hourly_' || to_char(d, 'YYYYMMDD'))) IS NULL
            """, [.text("{" + days.map(HotStoreRetention.dayString).joined(separator: ",") + "}")]
        ).allRows.map { try $0.int("day") }
    }

    /// Runs `body` holding the session advisory lock that serialises partition DDL of this schema.
    private func withPartitionLock<T>(_ c: PostgresConnection, _ body: () throws -> T) throws -> T {
        let key = try c.query(
            "SELECT hashtextextended('greenstream.partitions:' || current_schema(), 0) AS key"
        ).row(0).int("key")
        try c.query("SELECT pg_advisory_lock($1)", [.int(key)])
        defer { _ = try? c.query("SELECT pg_advisory_unlock($1)", [.int(key)]) }
        return try body()
    }
}

extension PostgresError {
    /// A row had no partition to go to (check_violation "no partition of relation … found for row").
    var isMissingPartition: Bool { sqlState == "23514" && message.contains("no partition of relation") }
}
