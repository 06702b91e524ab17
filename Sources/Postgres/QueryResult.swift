/// The rows a statement returned, copied out of libpq in text format.
///
/// Cells are `nil` for SQL NULL. Accessors throw a typed error instead of trapping when a cell
/// is missing or does not parse, because the shape of a result is data from the server.
public struct QueryResult: Sendable {
    /// Column names in result order.
    public let columns: [String]
    /// Cell texts, row by row.
    public let rows: [[String?]]
    /// Rows affected, for INSERT/UPDATE/DELETE (libpq's `PQcmdTuples`), else 0.
    public let affectedRows: Int

    public init(columns: [String], rows: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// One row with named access to its cells.
    public func row(_ index: Int) -> Row { Row(columns: columns, cells: rows[index]) }

    /// All rows with named access.
    public var allRows: [Row] { rows.map { Row(columns: columns, cells: $0) } }

    /// A result row. Look-ups by name are linear: results here are narrow.
    public struct Row: Sendable {
        public let columns: [String]
        public let cells: [String?]

        /// The raw text of a column, `nil` when NULL.
        public func text(_ name: String) throws(PostgresError) -> String? {
            guard let i = columns.firstIndex(of: name) else {
                throw PostgresError(
                    kind: .unexpectedResult, message: "no column \(name) in result", operation: "decode")
            }
            return cells[i]
        }

        /// A non-NULL text column.
        public func string(_ name: String) throws(PostgresError) -> String {
            guard let v = try text(name) else { throw nullError(name) }
            return v
        }

        /// A nullable bigint/integer column.
        public func optionalInt(_ name: String) throws(PostgresError) -> Int64? {
            guard let v = try text(name) else { return nil }
            guard let n = Int64(v) else { throw parseError(name, v) }
            return n
        }

        /// A non-NULL bigint/integer column.
        public func int(_ name: String) throws(PostgresError) -> Int64 {
            guard let n = try optionalInt(name) else { throw nullError(name) }
            return n
        }

        /// A nullable double precision column.
        public func optionalDouble(_ name: String) throws(PostgresError) -> Double? {
            guard let v = try text(name) else { return nil }
            guard let d = Double(v) else { throw parseError(name, v) }
            return d
        }

        /// A non-NULL double precision column.
        public func double(_ name: String) throws(PostgresError) -> Double {
            guard let d = try optionalDouble(name) else { throw nullError(name) }
            return d
        }

        /// A non-NULL boolean column (`t`/`f`).
        public func bool(_ name: String) throws(PostgresError) -> Bool {
            switch try string(name) {
            case "t": return true
            case "f": return false
            case let other: throw parseError(name, other)
            }
        }

        private func nullError(_ name: String) -> PostgresError {
            PostgresError(kind: .unexpectedResult, message: "column \(name) is NULL", operation: "decode")
        }

        private func parseError(_ name: String, _ value: String) -> PostgresError {
            PostgresError(
                kind: .unexpectedResult, message: "column \(name) has unreadable value \(value)", operation: "decode")
        }
    }
}
