import Foundation
import Postgres
import Testing

/// Tests that need a server of their own, because they stop it: a private throwaway PostgreSQL
/// from cluster/postgres.sh on a pinned port, in its own directory.
@Suite struct ServerRestartTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cluster/postgres.sh").path

    /// Runs the script with popen (Foundation's Process.waitUntilExit was seen to hang here).
    static func cluster(_ command: String, dir: String) throws -> String {
        guard let pipe = popen("GS_PG_DIR='\(dir)' bash '\(script)' \(command) 2>&1", "r") else {
            throw PostgresError(kind: .connect, message: "cannot run \(script)", operation: "test")
        }
        var output = ""
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), pipe) != nil {
            output += String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let status = pclose(pipe)
        guard status == 0 else {
            throw PostgresError(kind: .connect, message: "postgres.sh \(command): \(output)", operation: "test")
        }
        return output
    }

    @Test func thePoolReconnectsWithBackoffAfterTheServerRestarts() throws {
        _ = try TestDatabase.serverURL()  // the suite still needs the test server's environment
        let dir = "/tmp/greenstream-restart-test-\(getpid())"
        defer { _ = try? Self.cluster("stop", dir: dir) }
        let started = try Self.cluster("start", dir: dir)
        let url = String(
            try #require(started.split(separator: "\n").last { $0.hasPrefix("export GS_PG_URL=") })
                .dropFirst("export GS_PG_URL=".count))
        let pool = ConnectionPool(url: url, maxConnections: 1, reconnectSeconds: 60)
        let firstPID = try pool.withConnection { c in
            try c.execute(unsafeSQL: "CREATE TABLE kept (a int); INSERT INTO kept VALUES (1)")
            return c.backendPID
        }

        _ = try Self.cluster("halt", dir: dir)
        // Bring it back a little later, while the pool is already trying to reconnect.
        let restarter = Thread {
            Thread.sleep(forTimeInterval: 1)
            _ = try? Self.cluster("start", dir: dir)
        }
        restarter.start()
        // The idle connection is dead; the first use fails as a connection failure ...
        let error = try #require(throws: PostgresError.self) { try pool.withConnection { try $0.query("SELECT 1") } }
        #expect(error.isConnectionFailure)
        // ... and the next one waits, with backoff, until the restarted server accepts it.
        let began = Date()
        let (answer, secondPID) = try pool.withConnection { c in
            (try c.query("SELECT 41 + 1 AS a").row(0).int("a"), c.backendPID)
        }
        #expect(answer == 42)
        #expect(secondPID != firstPID)
        #expect(Date().timeIntervalSince(began) > 0.5, "the server was down, so the connect must have waited")
        // The data survived the restart: it is the same server, not a new one.
        #expect(try pool.withConnection { try $0.query("SELECT count(*) AS n FROM kept").row(0).int("n") } == 1)
    }

    @Test func connectingToAMissingDatabaseFailsAtOnceInsteadOfRetrying() throws {
        let base = try TestDatabase.serverURL()
        let url = try #require(base.range(of: "/", options: .backwards)).lowerBound
        let began = Date()
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection.connect(url: base[..<url] + "/no_such_database_here", retryForSeconds: 30)
        }
        #expect(error.kind == .connect)
        #expect(error.message.contains("does not exist"))
        #expect(Date().timeIntervalSince(began) < 5)
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
