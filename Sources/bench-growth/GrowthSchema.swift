import Foundation
import GreenStreamCore
import GreenStreamStore
import Postgres

/// One store under test: a private PostgreSQL schema migrated to a given version, with its own
/// job table and hot store, so that both stores of a run share one server and meet the same load.
final class GrowthSchema {
    let label: String  // "reference" or "partitioned"
    let schema: String
    let pool: ConnectionPool
    let jobs: JobStore
    let hot: HotStore
    /// `readings` is a partitioned table (relkind 'p').
    let isPartitioned: Bool
    private(set) var rows = 0
    private var claimed = 0

    init(label: String, serverURL: String, admin: PostgresConnection, migrations: [Migration]) throws {
        self.label = label
        schema = "bench_growth_\(label)_\(getpid())"
        try admin.execute(
            unsafeSQL: try admin.query("SELECT format('CREATE SCHEMA %I', $1::text) AS s", [.text(schema)])
                .row(0).string("s")
        )
        let url = serverURL + (serverURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
        pool = ConnectionPool(url: url, maxConnections: 2)
        try pool.withConnection { c in _ = try Migrator(migrations: migrations).migrate(c) }
        jobs = JobStore(pool: pool)
        hot = HotStore(pool: pool)
        isPartitioned = try pool.withConnection { c in
            try c.query("SELECT relkind::text AS k FROM pg_class WHERE oid = 'readings'::regclass").row(0).string("k")
                == "p"
        }
    }

    func drop(_ admin: PostgresConnection) {
        pool.closeIdle()
        _ = try? admin.execute(
            unsafeSQL: (try? admin.query("SELECT format('DROP SCHEMA %I CASCADE', $1::text) AS s", [.text(schema)])
                .row(0).string("s")) ?? "SELECT 1"
        )
    }

    /// Lands `name` as a job, claims it and commits `batch` under its lease, as a worker's result
    /// would be committed. Returns the seconds `HotStore.commit` took.
    func commit(_ batch: ReadingBatch, name: String) throws -> Double {
        claimed += 1
        var sha = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: Int64(claimed).bigEndian) { sha.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: Int64(getpid()).bigEndian) { sha.replaceSubrange(8..<16, with: $0) }
        _ = try jobs.jobCreate(JobCreateParams(fileName: name, sha256: sha, sizeBytes: Int64(batch.count * 40)))
        guard let job = try jobs.jobClaimNext(workerID: "bench-growth") else {
            throw GrowthFailure("\(label): no job to claim for \(name)")
        }
        var result: HotCommitResult?
        let start = DispatchTime.now().uptimeNanoseconds
        result = try hot.commit(HotCommitParams(lease: job.lease, readings: batch))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard case .committed(let stats) = result, stats.inserted == batch.count else {
            throw GrowthFailure("\(label): \(name) did not commit cleanly: \(String(describing: result))")
        }
        rows += batch.count
        return seconds
    }

    struct Size {
        var tableBytes: Int64
        var indexBytes: Int64
        var total: Int64 { tableBytes + indexBytes }
    }

    /// Heap (with TOAST and maps) and index bytes of `readings` and `meter_hourly`, summed over
    /// their partitions when partitioned.
    func size() throws -> (readings: Size, hourly: Size) {
        try pool.withConnection { c in
            func of(_ table: String) throws -> Size {
                let row = try c.query(
                    """
                    SELECT coalesce(sum(pg_table_size(relid)), 0)::bigint AS t,
                           coalesce(sum(pg_indexes_size(relid)), 0)::bigint AS i
                    FROM (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf
                          UNION  -- pg_partition_tree lists nothing for a plain table
                          SELECT oid FROM pg_class WHERE oid = $1::regclass AND relkind = 'r') t
                    """,
                    [.text(table)]
                ).row(0)
                return Size(tableBytes: try row.int("t"), indexBytes: try row.int("i"))
            }
            return (try of("readings"), try of("meter_hourly"))
        }
    }

    /// Brings planner statistics up to date, as autovacuum would have done on a live store by the
    /// time a dashboard looks (a bulk-loaded table is otherwise planned from stale estimates).
    func analyze() throws {
        try pool.withConnection { c in _ = try c.execute(unsafeSQL: "ANALYZE readings; ANALYZE meter_hourly") }
    }
}
