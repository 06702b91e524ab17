import Foundation
import GreenStreamTesting
import Postgres
import Testing

/// Tests that need a server of their own, because they stop it: a private throwaway PostgreSQL
/// from cluster/postgres.sh on a pinned port, in its own directory.
@Suite struct ServerRestartTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cluster/postgres.sh").path

    static func cluster(_ command: String, dir: String) throws -> String {
        try ThrowawayPostgres(script: script, directory: dir).run(command)
    }

    /// Starts a throwaway server of the test's own in `dir` and returns its URL.
    static func startServer(_ dir: String) throws -> String {
        try ThrowawayPostgres(script: script, directory: dir).start()
    }

    @Test func thePoolReconnectsWithBackoffAfterTheServerRestarts() throws {
        _ = try TestDatabase.serverURL()  // the suite still needs the test server's environment
        let dir = "/tmp/greenstream-restart-test-\(getpid())"
        defer { _ = try? Self.cluster("stop", dir: dir) }
        let url = try Self.startServer(dir)
        let pool = ConnectionPool(url: url, maxConnections: 1, reconnectSeconds: 120)
        let firstPID = try pool.withConnection { c in
            try c.execute(unsafeSQL: "CREATE TABLE kept (a int); INSERT INTO kept VALUES (1)")
            return c.backendPID
        }

        _ = try Self.cluster("halt", dir: dir)
        // A use while the server is down waits, retrying the connect with backoff ...
        let use = BackgroundCall {
            try pool.withConnection { c in (try c.query("SELECT 41 + 1 AS a").row(0).int("a"), c.backendPID) }
        }
        // ... which the pool's failed-connect count shows; only then does the server come back.
        #expect(waitUntil { pool.failedConnectAttempts >= 2 })
        _ = try Self.startServer(dir)
        let (answer, secondPID) = try use.value()
        #expect(answer == 42, "the idle connection's death cost the caller nothing")
        #expect(secondPID != firstPID)
        // The data survived the restart: it is the same server, not a new one.
        #expect(try pool.withConnection { try $0.query("SELECT count(*) AS n FROM kept").row(0).int("n") } == 1)
    }

    @Test("after a server restart the first use of every pooled connection succeeds")
    func pooledConnectionsSurviveARestartWithoutAFailedUse() throws {
        _ = try TestDatabase.serverURL()
        let dir = "/tmp/greenstream-restart-pool-test-\(getpid())"
        defer { _ = try? Self.cluster("stop", dir: dir) }
        let url = try Self.startServer(dir)
        let n = 4
        let pool = ConnectionPool(url: url, maxConnections: n, reconnectSeconds: 60)
        /// Holds n connections at once (nested), so each use below gets a different one.
        func useAll(_ body: (PostgresConnection) throws -> Int32) throws -> [Int32] {
            func nest(_ depth: Int) throws -> [Int32] {
                guard depth < n else { return [] }
                return try pool.withConnection { c in [try body(c)] + (try nest(depth + 1)) }
            }
            return try nest(0)
        }
        let before = try useAll { $0.backendPID }
        #expect(Set(before).count == n)

        _ = try Self.cluster("halt", dir: dir)
        _ = try Self.startServer(dir)
        // Every pooled connection is dead now; every first use must still succeed.
        let after = try useAll { c in
            let one = try c.query("SELECT 1 AS one").row(0).int("one")
            #expect(one == 1)
            return c.backendPID
        }
        #expect(Set(after).count == n && Set(after).isDisjoint(with: before))
        // And through transactions, the path a hot commit or a failure record takes.
        let sums = try (0..<n).map { i in
            try pool.withTransaction { try $0.query("SELECT $1::int + 1 AS s", [.int(Int64(i))]).row(0).int("s") }
        }
        #expect(sums == (1...Int64(n)).map { $0 })
    }

    @Test func connectingToAMissingDatabaseFailsAtOnceInsteadOfRetrying() throws {
        let base = try TestDatabase.serverURL()
        let url = try #require(base.range(of: "/", options: .backwards)).lowerBound
        let pool = ConnectionPool(url: base[..<url] + "/no_such_database_here", maxConnections: 1, reconnectSeconds: 30)
        let error = try #require(throws: PostgresError.self) { try pool.withConnection { _ in } }
        #expect(error.kind == .connect)
        #expect(error.message.contains("does not exist"))
        #expect(pool.failedConnectAttempts == 0, "waiting cannot create a database, so it was not retried")
    }

    @Test func aUnixSocketURLConnects() throws {
        let db = try TestDatabase(migrate: false)
        let row = try db.pool.withConnection { c in
            try c.query(
                """
                SELECT current_setting('unix_socket_directories') AS dirs, current_setting('port') AS port,
                       current_user AS usr, current_database() AS db
                """
            ).row(0)
        }
        let socketDir = try #require(try row.string("dirs").split(separator: ",").first).trimmingCharacters(
            in: .whitespaces)
        let url =
            "postgresql://\(try row.string("usr"))@/\(try row.string("db"))?host=\(socketDir)&port=\(try row.string("port"))"
        let connection = try PostgresConnection.connect(url: url)
        let address = try connection.query("SELECT coalesce(inet_client_addr()::text, 'local') AS a").row(0).string("a")
        #expect(address == "local")
    }
}
