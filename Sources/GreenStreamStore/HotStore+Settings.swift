import Postgres

extension HotStore {
    /// The grid time zone rollup hours align to (R-F-3), an IANA name such as `Asia/Kolkata`.
    public func gridTimeZone() throws -> String {
        try pool.withConnection { c in
            let result = try c.query("SELECT value FROM store_settings WHERE key = 'grid_time_zone'")
            guard !result.isEmpty else { throw StoreError.corruptRow("store_settings has no grid_time_zone") }
            return try result.row(0).string("value")
        }
    }

    /// Sets the grid time zone. Allowed only while `readings` is empty, because the rollup rows
    /// already stored are aligned to the old zone's hours; setting the current zone is a no-op.
    /// - Throws: ``StoreError/unknownTimeZone(_:)``, ``StoreError/gridTimeZoneLocked(current:requested:)``.
    public func setGridTimeZone(_ zone: String) throws {
        try pool.withTransaction(.serializable) { c in
            let known = try c.query("SELECT count(*) AS n FROM pg_timezone_names WHERE name = $1", [.text(zone)])
            guard try known.row(0).int("n") > 0 else { throw StoreError.unknownTimeZone(zone) }
            let current = try c.query("SELECT value FROM store_settings WHERE key = 'grid_time_zone' FOR UPDATE")
            let currentZone = current.isEmpty ? nil : try current.row(0).string("value")
            if currentZone == zone { return }
            let anyReading = try c.query("SELECT EXISTS (SELECT 1 FROM readings) AS any")
            if try anyReading.row(0).bool("any") {
                throw StoreError.gridTimeZoneLocked(current: currentZone ?? "", requested: zone)
            }
            try c.query(
                """
                INSERT INTO store_settings (key, value) VALUES ('grid_time_zone', $1)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, [.text(zone)])
        }
    }
}
