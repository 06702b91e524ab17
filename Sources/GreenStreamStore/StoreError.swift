import Postgres

/// Failures of the store layer that are not plain PostgreSQL errors.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A migration file name does not read `NNN_name.sql`.
    case badMigrationName(String)
    /// The bundled migrations could not be found or read.
    case migrationsUnreadable(String)
    /// The database records a migration this build does not have (a newer build migrated it).
    case unknownMigration(version: Int, name: String)
    /// The database records version `version` under another name than this build's file.
    case migrationRenamed(version: Int, recorded: String, bundled: String)
    /// PostgreSQL does not know this time zone name.
    case unknownTimeZone(String)
    /// The grid time zone cannot change once readings are stored (rollups would misalign).
    case gridTimeZoneLocked(current: String, requested: String)
    /// No job has this id.
    case jobNotFound(Int64)
    /// The job is not in a state that allows the operation.
    case jobNotInState(id: Int64, expected: String, actual: String)
    /// A value read back from the database does not fit the model (e.g. an unknown state).
    case corruptRow(String)
    /// A request parameter is out of range.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .badMigrationName(let n): "migration file \(n) is not named NNN_name.sql"
        case .migrationsUnreadable(let why): "cannot read bundled migrations: \(why)"
        case .unknownMigration(let v, let n):
            "database has migration \(v) (\(n)) that this build does not know; upgrade GreenStream"
        case .migrationRenamed(let v, let r, let b): "migration \(v) is recorded as \(r) but bundled as \(b)"
        case .unknownTimeZone(let z): "unknown time zone \(z)"
        case .gridTimeZoneLocked(let c, let r): "grid time zone is \(c) and readings exist; cannot change it to \(r)"
        case .jobNotFound(let id): "no job \(id)"
        case .jobNotInState(let id, let e, let a): "job \(id) is \(a), expected \(e)"
        case .corruptRow(let why): "unexpected database row: \(why)"
        case .invalidParameter(let why): "invalid parameter: \(why)"
        }
    }
}
