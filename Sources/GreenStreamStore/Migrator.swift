import Foundation
import Postgres

/// One versioned schema change, read from `Migrations/NNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Parses `NNN_name.sql` into version and name.
    public static func parse(fileName: String, sql: String) throws(StoreError) -> Migration {
        guard fileName.hasSuffix(".sql") else { throw .badMigrationName(fileName) }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0,
            stem.index(after: underscore) < stem.endIndex
        else { throw .badMigrationName(fileName) }
        return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
    }
}

/// Applies the bundled migrations in version order, each in its own transaction, recording them
/// in `schema_migrations`. A session advisory lock (keyed by the target schema) makes two
/// coordinators starting together take turns; the second finds nothing left to do.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    /// - Parameter migrations: defaults to the `.sql` files bundled with this module.
    public init(migrations: [Migration]? = nil) throws(StoreError) {
        let list: [Migration]
        if let migrations { list = migrations } else { list = try Self.bundled() }
        self.migrations = list.sorted { $0.version < $1.version }
    }

    /// The migrations shipped in this module's `Migrations` resource folder.
    public static func bundled() throws(StoreError) -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw .migrationsUnreadable("no Migrations folder in \(Bundle.module.bundlePath)")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        } catch {
            throw .migrationsUnreadable("\(error)")
        }
        var result: [Migration] = []
        for name in names {
            guard let sql = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
                throw .migrationsUnreadable("cannot read \(name)")
            }
            result.append(try Migration.parse(fileName: name, sql: sql))
        }
        return result
    }

    /// Brings the connection's current schema up to date.
    /// - Returns: the versions applied by this call (empty when already current).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [Int] {
        // Keyed by schema so isolated test schemas do not wait on each other.
        let lockKey = "SELECT hashtextextended('greenstream.migrations:' || current_schema(), 0) AS key"
        let key = try connection.query(lockKey).row(0).int("key")
        try connection.query("SELECT pg_advisory_lock($1)", [.int(key)])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.int(key)]) }

        try connection.execute(
            unsafeSQL: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        var recorded: [Int: String] = [:]
        for row in try connection.query("SELECT version, name FROM schema_migrations").allRows {
            recorded[Int(try row.int("version"))] = try row.string("name")
        }
        let bundledByVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, name) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let known = bundledByVersion[version] else {
                throw StoreError.unknownMigration(version: version, name: name)
            }
            if known.name != name {
                throw StoreError.migrationRenamed(version: version, recorded: name, bundled: known.name)
            }
        }
        var applied: [Int] = []
        for migration in migrations where recorded[migration.version] == nil {
            try connection.transaction { c in
                try c.execute(unsafeSQL: migration.sql)
                try c.query(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    [.int(Int64(migration.version)), .text(migration.name)])
            }
            applied.append(migration.version)
        }
        return applied
    }
}
