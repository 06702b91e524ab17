import CPQ
import Foundation

/// The one place that calls libpq. Every return code becomes a ``PostgresError`` that names the
/// failing call; the rest of the module works with ``PostgresConnection``.
///
/// A handle is not thread-safe (libpq connections are not); ``PostgresConnection`` is used by one
/// thread at a time, which the pool guarantees.
final class PQHandle {
    private let conn: OpaquePointer
    /// Set by the notice receiver when the server sent a FATAL error outside a query: it is
    /// about to close the connection (shutdown, `pg_terminate_backend`).
    private let notices = NoticeState()

    private init(conn: OpaquePointer) { self.conn = conn }

    deinit { PQfinish(conn) }

    final class NoticeState {
        var fatalSeen = false
    }

    /// Defaults placed before the URL, so anything the URL says overrides them: without a
    /// connect timeout libpq waits on an unreachable host for as long as TCP does.
    private static let defaults: [(String, String)] = [("connect_timeout", "10"), ("application_name", "greenstream")]

    /// Opens a connection from a `postgresql://` URL or a key=value conninfo string.
    static func connect(_ conninfo: String) throws(PostgresError) -> PQHandle {
        let keywords = defaults.map(\.0) + ["dbname"]
        let values = defaults.map(\.1) + [conninfo]
        let cKeywords = keywords.map { strdup($0) }
        let cValues = values.map { strdup($0) }
        defer { (cKeywords + cValues).forEach { free($0) } }
        let connection = (cKeywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { k in
            (cValues.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 1)  // 1: expand dbname as a URL/conninfo
            }
        }
        guard let conn = connection else {
            throw PostgresError(kind: .connect, message: "libpq could not allocate a connection", operation: "connect")
        }
        let handle = PQHandle(conn: conn)
        // Server NOTICEs (e.g. "relation already exists, skipping") would otherwise go to stderr.
        // An ErrorResponse that arrives while the connection is idle also lands here (libpq
        // treats it as a notice); a FATAL one means the backend is going away.
        PQsetNoticeReceiver(
            conn,
            { arg, result in
                guard let arg, let result, let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))),
                    String(cString: severity) == "FATAL"
                else { return }
                Unmanaged<NoticeState>.fromOpaque(arg).takeUnretainedValue().fatalSeen = true
            }, Unmanaged.passUnretained(handle.notices).toOpaque())
        guard PQstatus(conn) == CONNECTION_OK else {
            throw PostgresError(kind: .connect, message: handle.lastErrorMessage, operation: "connect")
        }
        return handle
    }

    /// Whether libpq still considers the connection usable.
    var isOK: Bool { PQstatus(conn) == CONNECTION_OK }

    /// For an idle connection: consumes anything the server sent meanwhile (libpq sockets are
    /// non-blocking, so this never waits) and says whether the connection is still good. A server
    /// that went away has left a FATAL message and an end-of-file, which turn the status bad.
    func pollIdleConnection() -> Bool {
        // Read twice: a read that returns the FATAL message stops there, and the end-of-file
        // behind it shows only on the next read. PQisBusy parses what was read, which hands an
        // ErrorResponse that arrived while idle to the notice receiver.
        for _ in 0..<2 {
            guard PQstatus(conn) == CONNECTION_OK, !notices.fatalSeen, PQconsumeInput(conn) == 1 else { return false }
            _ = PQisBusy(conn)
        }
        return PQstatus(conn) == CONNECTION_OK && !notices.fatalSeen
    }

    /// Whether the connection is outside any transaction block (not mid-transaction or aborted).
    var isIdleOutsideTransaction: Bool { PQtransactionStatus(conn) == PQTRANS_IDLE }

    /// The server process id serving this connection (for `pg_terminate_backend`, logs).
    var backendPID: Int32 { PQbackendPID(conn) }

    private var lastErrorMessage: String {
        guard let m = PQerrorMessage(conn) else { return "unknown libpq error" }
        return String(cString: m).trimmingTrailingNewlines()
    }

    /// Runs static SQL (possibly several statements) with the simple query protocol.
    /// Only for SQL text that contains no values: migrations, `BEGIN`, `SET LOCAL`.
    func execSimple(_ sql: String, operation: String) throws(PostgresError) -> QueryResult {
        try consume(PQexec(conn, sql), operation: operation)
    }

    /// Runs one statement with bound parameters (`PQexecParams`), text-format results.
    func execParams(_ sql: String, _ params: [PostgresValue], operation: String) throws(PostgresError) -> QueryResult {
        let count = params.count
        var values = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        var lengths = [Int32](repeating: 0, count: count)
        var formats = [Int32](repeating: 0, count: count)
        defer { for p in values { p?.deallocate() } }
        for (i, value) in params.enumerated() {
            let bytes: [UInt8]
            if case .null = value { continue }
            if let binary = value.binaryBytes {
                bytes = binary
                formats[i] = 1
            } else {
                bytes = value.textBytes ?? []
            }
            // Text parameters must be NUL-terminated; binary ones use the length.
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBufferPointer { src in
                src.withMemoryRebound(to: CChar.self) { buffer.initialize(from: $0.baseAddress!, count: bytes.count) }
            }
            buffer[bytes.count] = 0
            values[i] = buffer
            lengths[i] = Int32(bytes.count)
        }
        let result = values.withUnsafeBufferPointer { valuePtrs in
            valuePtrs.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constValues in
                PQexecParams(conn, sql, Int32(count), nil, constValues.baseAddress, lengths, formats, 0)
            }
        }
        return try consume(result, operation: operation)
    }

    /// Starts `COPY … FROM STDIN`; the server must answer that it is ready for data.
    func copyBegin(_ sql: String) throws(PostgresError) {
        guard let result = PQexec(conn, sql) else { throw failure(nil, operation: "copyIn") }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_IN else { throw failure(result, operation: "copyIn") }
    }

    /// Sends one chunk of COPY data (blocking).
    func copyPut(_ chunk: UnsafeRawBufferPointer) throws(PostgresError) {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return }
        let rc = PQputCopyData(conn, base.assumingMemoryBound(to: CChar.self), Int32(chunk.count))
        if rc != 1 { throw failure(nil, operation: "copyIn") }
    }

    /// Ends the COPY (or aborts it with `errorMessage`) and returns the number of rows loaded.
    @discardableResult
    func copyEnd(abortWith errorMessage: String? = nil) throws(PostgresError) -> Int {
        let rc = errorMessage.map { PQputCopyEnd(conn, $0) } ?? PQputCopyEnd(conn, nil)
        if rc != 1 { throw failure(nil, operation: "copyIn") }
        var firstError: PostgresError?
        var rows = 0
        // Drain every result so the connection is ready for the next statement.
        while let result = PQgetResult(conn) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = failure(result, operation: "copyIn")
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        if !isOK { throw failure(nil, operation: "copyIn") }
        return rows
    }

    // MARK: - Results

    private func consume(_ result: OpaquePointer?, operation: String) throws(PostgresError) -> QueryResult {
        guard let result else { throw failure(nil, operation: operation) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return copyRows(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // COPY must go through copyBegin; reaching here is a bug in our own SQL.
            preconditionFailure("COPY statement sent through \(operation); use copyIn")
        default:
            throw failure(result, operation: operation)
        }
    }

    private func copyRows(_ result: OpaquePointer) -> QueryResult {
        let rowCount = Int(PQntuples(result))
        let fieldCount = Int(PQnfields(result))
        var columns: [String] = []
        columns.reserveCapacity(fieldCount)
        for f in 0..<fieldCount { columns.append(String(cString: PQfname(result, Int32(f)))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var cells: [String?] = []
            cells.reserveCapacity(fieldCount)
            for f in 0..<fieldCount {
                if PQgetisnull(result, Int32(r), Int32(f)) == 1 {
                    cells.append(nil)
                } else {
                    cells.append(String(cString: PQgetvalue(result, Int32(r), Int32(f))))
                }
            }
            rows.append(cells)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, rows: rows, affectedRows: affected)
    }

    private func failure(_ result: OpaquePointer?, operation: String) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            guard let result, let p = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: p)
        }
        let sqlState = field(UInt8(ascii: "C"))
        let message = field(UInt8(ascii: "M")) ?? lastErrorMessage
        let kind: PostgresError.Kind = isOK ? (sqlState == nil ? .unexpectedResult : .server) : .connectionLost
        return PostgresError(
            kind: kind, sqlState: sqlState, message: message, detail: field(UInt8(ascii: "D")), operation: operation)
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last.isNewline || last == " " { s = s.dropLast() }
        return String(s)
    }
}
