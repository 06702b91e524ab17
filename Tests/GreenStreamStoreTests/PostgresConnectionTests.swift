import Foundation
import Testing

@testable import Postgres

@Suite struct PostgresConnectionTests {
    @Test func serverErrorsCarrySQLStateAndMessage() throws {
        let db = try TestDatabase(migrate: false)
        let error = try #require(throws: PostgresError.self) {
            try db.pool.withConnection { try $0.query("SELECT 1 / $1::int", [.int(0)]) }
        }
        #expect(error.kind == .server)
        #expect(error.sqlState == "22012")
        #expect(error.message.contains("division by zero"))
        #expect(!error.isTransient)
    }

    @Test("R-H-4 a value that looks like SQL is stored as text, never run")
    func parametersAreNeverSpliced() throws {
        let db = try TestDatabase(migrate: false)
        let hostile = "x'); DROP TABLE victims; --"
        try db.pool.withConnection { c in
            try c.execute(unsafeSQL: "CREATE TABLE victims (name text)")
            try c.query("INSERT INTO victims (name) VALUES ($1)", [.text(hostile)])
        }
        #expect(try db.scalar("SELECT name FROM victims") == hostile)
        #expect(try db.int("SELECT count(*) FROM victims") == 1)
    }

    @Test func parametersRoundTripEveryKind() throws {
        let db = try TestDatabase(migrate: false)
        let bytes: [UInt8] = [0, 1, 0xFF, 0x27, 0x5C, 0]
        let row = try db.pool.withConnection { c in
            try c.query(
                """
                SELECT $1::bigint AS i, $2::float8 AS d, $3::boolean AS b, $4::text AS t, encode($5::bytea, 'hex') AS h,
                       $6::text IS NULL AS n
                """, [.int(Int64.min), .double(-1.5e-300), .bool(true), .text("Zürich ⚡"), .bytes(bytes), .null]
            ).row(0)
        }
        #expect(try row.int("i") == Int64.min)
        #expect(try row.double("d") == -1.5e-300)
        #expect(try row.bool("b"))
        #expect(try row.string("t") == "Zürich ⚡")
        #expect(try row.string("h") == "0001ff275c00")
        #expect(try row.bool("n"))
    }

    @Test func binaryArrayParametersArriveExactly() throws {
        let db = try TestDatabase(migrate: false)
        let micros: [Int64] = [-62_135_596_800_000_000, 0, 1_767_225_600_123_456, 253_402_300_799_999_999]
        let rows = try db.pool.withConnection { c in
            try c.execute(unsafeSQL: "SET TIME ZONE 'UTC'")  // the text form below depends on it
            return try c.query(
                """
                SELECT t.ts::text AS ts, t.i, t.d FROM unnest($1::timestamptz[], $2::bigint[], $3::float8[])
                    WITH ORDINALITY AS t(ts, i, d, n)
                ORDER BY t.n
                """,
                [.timestampArray(unixMicros: micros), .int64Array([Int64.min, -1, 0, Int64.max]),
                 .doubleArray([-0.0, 1e-300, 0.1 + 0.2, .greatestFiniteMagnitude])]
            ).allRows
        }
        #expect(try rows.map { try $0.string("ts") } == [
            "0001-01-01 00:00:00+00", "1970-01-01 00:00:00+00", "2026-01-01 00:00:00.123456+00",
            "9999-12-31 23:59:59.999999+00",
        ])
        #expect(try rows.map { try $0.int("i") } == [Int64.min, -1, 0, Int64.max])
        #expect(try rows.map { try $0.double("d") } == [-0.0, 1e-300, 0.1 + 0.2, .greatestFiniteMagnitude])
        let empty = try db.pool.withConnection { try $0.query("SELECT cardinality($1::bigint[]) AS n", [.int64Array([])]) }
        #expect(try empty.row(0).int("n") == 0)
    }

    @Test func binaryCopyLoadsEveryColumnTypeExactly() throws {
        let db = try TestDatabase(migrate: false)
        var buffer = BinaryCopyBuffer()
        let ts: Int64 = 1_767_225_600_123_456  // 2026-01-01T00:00:00.123456Z
        buffer.beginRow(fieldCount: 6)
        buffer.appendInt64(42)
        buffer.appendTimestamp(unixMicros: ts)
        buffer.appendDouble(3.25)
        buffer.appendText(utf8: Array("measured".utf8))
        buffer.appendInt16(17)
        buffer.appendBool(true)
        buffer.beginRow(fieldCount: 6)
        buffer.appendInt64(7)
        buffer.appendTimestamp(unixMicros: -62_135_596_800_000_000)  // 0001-01-01T00:00:00Z
        buffer.appendNull()
        buffer.appendText(utf8: [])
        buffer.appendInt16(0)
        buffer.appendBool(false)
        buffer.finish()
        let loaded = try db.pool.withConnection { c in
            try c.execute(
                unsafeSQL: "CREATE TABLE t (m bigint, ts timestamptz, kw float8, q text, h smallint, p boolean)")
            return try c.copyIn("COPY t FROM STDIN (FORMAT binary)", data: buffer.bytes)
        }
        #expect(loaded == 2)
        #expect(
            try db.int(
                "SELECT count(*) FROM t WHERE m = 42 AND ts = '2026-01-01 00:00:00.123456+00' AND kw = 3.25 AND q = 'measured' AND h = 17 AND p"
            ) == 1)
        #expect(
            try db.int(
                "SELECT count(*) FROM t WHERE m = 7 AND ts = '0001-01-01 00:00:00+00' AND kw IS NULL AND q = '' AND NOT p"
            ) == 1)
    }

    @Test func aCopyTheServerRejectsThrowsAndLeavesTheConnectionUsable() throws {
        let db = try TestDatabase(migrate: false)
        var buffer = BinaryCopyBuffer()
        buffer.beginRow(fieldCount: 1)
        buffer.appendInt64(1)
        buffer.finish()
        try db.pool.withConnection { c in
            try c.execute(unsafeSQL: "CREATE TABLE two (a bigint, b bigint)")
            let error = try #require(throws: PostgresError.self) {
                try c.copyIn("COPY two FROM STDIN (FORMAT binary)", data: buffer.bytes)
            }
            #expect(error.sqlState == "22P04")  // bad_copy_file_format: row has 1 field, table 2
            #expect(c.isReusable)
            #expect(try c.query("SELECT 1 AS one").row(0).int("one") == 1)
        }
    }

    @Test func aTransactionThatThrowsRollsBack() throws {
        let db = try TestDatabase(migrate: false)
        struct Boom: Error {}
        try db.pool.withConnection { try $0.execute(unsafeSQL: "CREATE TABLE tx (a int)") }
        #expect(throws: Boom.self) {
            try db.pool.withTransaction { c in
                try c.query("INSERT INTO tx VALUES ($1)", [.int(1)])
                throw Boom()
            }
        }
        #expect(try db.int("SELECT count(*) FROM tx") == 0)
    }

    @Test func connectionsNameThemselvesUnlessTheURLSaysOtherwise() throws {
        let base = try TestDatabase.serverURL()
        let named = try PostgresConnection.connect(url: base)
        #expect(try named.query("SELECT current_setting('application_name') AS a").row(0).string("a") == "greenstream")
        let custom = try PostgresConnection.connect(url: base + (base.contains("?") ? "&" : "?") + "application_name=gsctl")
        #expect(try custom.query("SELECT current_setting('application_name') AS a").row(0).string("a") == "gsctl")
    }

    @Test func connectingToAClosedPortRetriesThenFailsWithAConnectError() throws {
        let pool = ConnectionPool(
            url: "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", maxConnections: 1, reconnectSeconds: 0.3)
        let error = try #require(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(error.kind == .connect)
        #expect(error.isConnectionFailure)
        #expect(pool.failedConnectAttempts >= 1, "a refused connection may pass, so the pool retried it")
    }

    /// Terminates `pid` and waits until the server has let it go: by then it has sent its FATAL
    /// message and closed the socket.
    static func terminate(_ pid: Int32, _ db: TestDatabase) throws {
        let killer = try PostgresConnection.connect(url: db.baseURL)
        try killer.query("SELECT pg_terminate_backend($1)", [.int(Int64(pid))])
        let gone = try waitUntil {
            try killer.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1", [.int(Int64(pid))])
                .row(0).int("n") == 0
        }
        #expect(gone)
    }

    @Test("a pooled connection whose backend was terminated is replaced before anyone uses it")
    func thePoolReplacesAConnectionWhoseBackendWasTerminated() throws {
        let db = try TestDatabase(migrate: false, maxConnections: 1)
        let firstPID = try db.pool.withConnection { $0.backendPID }
        try Self.terminate(firstPID, db)
        // The first use after the termination succeeds, on a fresh connection.
        let (two, secondPID) = try db.pool.withConnection { c in
            (try c.query("SELECT 2 AS two").row(0).int("two"), c.backendPID)
        }
        #expect(two == 2)
        #expect(secondPID != firstPID)
    }

    @Test("a transaction whose BEGIN meets a dead connection runs once more on a fresh one")
    func aTransactionWhoseBeginFailsOnADeadConnectionIsRetriedOnce() throws {
        let db = try TestDatabase(migrate: false)
        // Without the idle check the dead connection is lent, so BEGIN is what meets it.
        let pool = ConnectionPool(
            url: db.url, maxConnections: 1, reconnectSeconds: 5, checksIdleConnections: false)
        try pool.withConnection { try $0.execute(unsafeSQL: "CREATE TABLE once (a int)") }
        try Self.terminate(try pool.withConnection { $0.backendPID }, db)
        var runs = 0
        try pool.withTransaction { c in
            runs += 1
            try c.query("INSERT INTO once VALUES (1)")
        }
        #expect(runs == 1, "the body ran once: BEGIN failed before it")
        #expect(try db.int("SELECT count(*) FROM once") == 1)

        // Outside a transaction nothing is retried: the statement might have had an effect.
        try Self.terminate(try pool.withConnection { $0.backendPID }, db)
        let error = try #require(throws: PostgresError.self) {
            try pool.withConnection { try $0.query("INSERT INTO once VALUES (2)") }
        }
        #expect(error.isConnectionFailure)
    }

    @Test func aConnectionLeftInsideATransactionIsNotLentAgain() throws {
        let db = try TestDatabase(migrate: false, maxConnections: 1)
        let firstPID = try db.pool.withConnection { c in
            try c.execute(unsafeSQL: "BEGIN")
            return c.backendPID
        }
        let (pid, reusable) = try db.pool.withConnection { ($0.backendPID, $0.isReusable) }
        #expect(pid != firstPID)
        #expect(reusable)
    }
}
