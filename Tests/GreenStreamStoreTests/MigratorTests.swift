import Foundation
import GreenStreamStore
import Postgres
import Testing

@Suite struct MigratorTests {
    @Test func migrationsRunTwiceAreANoOp() throws {
        let db = try TestDatabase(migrate: false)
        let migrator = try Migrator()
        let first = try db.pool.withConnection { try migrator.migrate($0) }
        #expect(first == migrator.migrations.map(\.version))
        #expect(first.count >= 2)
        let tablesBefore = try db.int("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        let second = try db.pool.withConnection { try migrator.migrate($0) }
        #expect(second.isEmpty)
        #expect(try db.int("SELECT count(*) FROM schema_migrations") == Int64(first.count))
        #expect(try db.int("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == tablesBefore)
    }

    @Test func twoCoordinatorsMigratingAtOnceApplyEachVersionOnce() throws {
        let db = try TestDatabase(migrate: false)
        let url = db.url
        let results = runOnThreads(2) { _ in
            let connection = try PostgresConnection.connect(url: url)
            return try Migrator().migrate(connection)
        }
        let applied = try results.map { try $0.get() }
        #expect(applied.flatMap { $0 }.sorted() == (try Migrator().migrations.map(\.version)))
        #expect(try db.int("SELECT count(*) FROM schema_migrations") == Int64(try Migrator().migrations.count))
    }

    @Test func aDatabaseMigratedByANewerBuildIsRefused() throws {
        let db = try TestDatabase()
        try db.pool.withConnection {
            try $0.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [.int(999), .text("future")])
        }
        #expect(throws: StoreError.unknownMigration(version: 999, name: "future")) {
            try db.pool.withConnection { try Migrator().migrate($0) }
        }
    }

    @Test func aFailingMigrationLeavesNoTraceAndIsNotRecorded() throws {
        let db = try TestDatabase(migrate: false)
        let migrator = try Migrator(migrations: [
            Migration(version: 1, name: "ok", sql: "CREATE TABLE a (x int)"),
            Migration(version: 2, name: "broken", sql: "CREATE TABLE b (x int); SELECT no_such_function()"),
        ])
        let error = try #require(throws: PostgresError.self) { try db.pool.withConnection { try migrator.migrate($0) } }
        #expect(error.sqlState == "42883")
        #expect(try db.int("SELECT count(*) FROM schema_migrations") == 1)
        #expect(
            try db.int("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'b'") == 0)
    }

    @Test(arguments: [
        ("001_job_table.sql", 1, "job_table"), ("010_add_index.sql", 10, "add_index"),
    ])
    func migrationFileNamesGiveVersionAndName(file: String, version: Int, name: String) throws {
        let m = try Migration.parse(fileName: file, sql: "")
        #expect(m.version == version)
        #expect(m.name == name)
    }

    @Test(arguments: ["job_table.sql", "001_.sql", "000_zero.sql", "001_x.txt", "x01_y.sql"])
    func badMigrationFileNamesAreRefused(file: String) {
        #expect(throws: StoreError.badMigrationName(file)) { try Migration.parse(fileName: file, sql: "") }
    }

    @Test func theBundledMigrationsCreateTheSpecifiedHotTables() throws {
        let db = try TestDatabase()
        let columns = try db.pool.withConnection { c in
            try c.query(
                """
                SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name IN ('readings', 'grid_hourly')
                ORDER BY table_name, ordinal_position
                """
            ).rows.compactMap { $0[0] }
        }
        #expect(
            columns == [
                "grid_hourly.hour_start:timestamp with time zone", "grid_hourly.meters:integer",
                "grid_hourly.load_kw:double precision",
                "readings.meter_id:bigint", "readings.ts:timestamp with time zone", "readings.kw:double precision",
                "readings.quality:text", "readings.hour_of_day:smallint", "readings.is_peak_window:boolean",
                "readings.job_id:bigint",
            ])
    }
}
