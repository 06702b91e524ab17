// Read-only queries against the cluster's PostgreSQL. The connection is remade when it breaks:
// with --chaos the server restarts in the middle of the run, and the watcher must ride over it.
import Foundation
import Postgres

/// One reconnecting connection (used from one thread at a time).
final class ClusterDatabase {
    let url: String
    private var connection: PostgresConnection?

    init(url: String) { self.url = url }

    /// Runs `sql`; on a broken connection reconnects and tries again for up to `retryForSeconds`.
    func query(_ sql: String, _ parameters: [PostgresValue] = [], retryForSeconds: Double = 120) throws -> QueryResult {
        let deadline = Date().addingTimeInterval(retryForSeconds)
        while true {
            do {
                if connection == nil || connection?.isUsable == false {
                    connection = try PostgresConnection.connect(url: url, retryForSeconds: 0)
                }
                return try connection!.query(sql, parameters)
            } catch {
                let usable = connection?.isUsable ?? false
                connection = nil
                // A statement error on a healthy connection is the caller's problem, not an outage.
                if usable || Date() > deadline { throw error }
                usleep(200_000)  // server restarting: nothing to wait on but the next connect
            }
        }
    }

    /// The one integer cell of `sql`.
    func int(_ sql: String, _ parameters: [PostgresValue] = []) throws -> Int64 {
        let result = try query(sql, parameters)
        guard let cell = result.rows.first?.first, let text = cell, let value = Int64(text) else {
            throw LoadTestError("\(sql): no integer result")
        }
        return value
    }

    /// A connection of its own (COPY baseline).
    func freshConnection() throws -> PostgresConnection { try PostgresConnection.connect(url: url, retryForSeconds: 30) }
}
