import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// A private schema in the PostgreSQL that scripts/test.sh (or cluster/postgres.sh) started,
/// migrated, with a pool, a JobStore and a HotStore on it. Dropped when released.
final class TestDatabase: @unchecked Sendable {
    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "GS_PG_URL is not set: run the store tests through scripts/test.sh, or start a server with "
                + "`eval \"$(cluster/postgres.sh start)\"` first. These tests never skip."
        }
    }

    let baseURL: String
    let schema: String
    /// The base URL with this schema first on the search_path.
    let url: String
    let pool: ConnectionPool
    let jobs: JobStore
    let hot: HotStore

    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["GS_PG_URL"], !url.isEmpty else { throw MissingServer() }
        return url
    }

    init(
        migrate: Bool = true, maxConnections: Int = 6, configuration: JobStoreConfiguration = JobStoreConfiguration(),
        jitter: JitterSource = .system
    ) throws {
        baseURL = try Self.serverURL()
        schema = "gs_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresConnection.connect(url: baseURL)
        try admin.query("SELECT pg_catalog.set_config('search_path', 'public', false)")
        // The schema name is generated here, never taken from input; quote_ident keeps it safe anyway.
        let ddl = try admin.query("SELECT format('CREATE SCHEMA %I', $1::text) AS sql", [.text(schema)])
        try admin.execute(unsafeSQL: try ddl.row(0).string("sql"))
        url = Self.url(baseURL, searchPath: schema)
        pool = ConnectionPool(url: url, maxConnections: maxConnections, reconnectSeconds: 5)
        jobs = JobStore(pool: pool, configuration: configuration, jitter: jitter)
        hot = HotStore(pool: pool)
        if migrate { try pool.withConnection { try Migrator().migrate($0) } }
    }

    deinit {
        pool.closeIdle()
        if let admin = try? PostgresConnection.connect(url: baseURL),
            let ddl = try? admin.query("SELECT format('DROP SCHEMA %I CASCADE', $1::text) AS sql", [.text(schema)]),
            let sql = try? ddl.row(0).string("sql")
        {
            _ = try? admin.execute(unsafeSQL: sql)
        }
    }

    static func url(_ base: String, searchPath: String, applicationName: String? = nil) -> String {
        var url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + searchPath
        if let applicationName { url += "&application_name=" + applicationName }
        return url
    }

    /// A single value from SQL run in this schema.
    func scalar(_ sql: String, _ params: [PostgresValue] = []) throws -> String? {
        try pool.withConnection { try $0.query(sql, params).rows.first?.first ?? nil }
    }

    func int(_ sql: String, _ params: [PostgresValue] = []) throws -> Int64 {
        Int64(try scalar(sql, params) ?? "") ?? -1
    }

    /// The server's clock (seconds since 1970): tests measure time by it, as leases do.
    func serverNow() throws -> Double {
        Double(try scalar("SELECT extract(epoch FROM clock_timestamp())::float8") ?? "") ?? .nan
    }

    /// Creates a job for `name` (content hash derived from the name unless given) and claims it.
    func makeRunningJob(_ name: String, sha256: [UInt8]? = nil, worker: String = "w1") throws -> Job {
        let created = try jobs.jobCreate(
            JobCreateParams(fileName: name, sha256: sha256 ?? Self.sha(name), sizeBytes: 100))
        #expect(created.created)
        guard let claimed = try jobs.jobClaimNext(workerID: worker) else {
            throw StoreError.jobNotFound(created.job.id)
        }
        #expect(claimed.id == created.job.id)
        return claimed
    }

    static func sha(_ text: String) -> [UInt8] {
        // Distinct 32-byte stand-ins for file hashes; the store treats them as opaque.
        var bytes = Array(text.utf8.prefix(32))
        bytes += [UInt8](repeating: 0x5A, count: 32 - bytes.count)
        return bytes
    }
}

/// Readings for `meters` over `slots` 15-minute slots from `startMicros`, kW from `kw(meter, slot)`.
func makeBatch(
    meters: ClosedRange<Int64>, slots: Range<Int>, startMicros: Int64 = 1_767_225_600_000_000,
    kw: (Int64, Int) -> Double
) -> ReadingBatch {
    var batch = ReadingBatch()
    batch.reserveCapacity(meters.count * slots.count)
    for meter in meters {
        for slot in slots {
            let ts = startMicros + Int64(slot) * 900_000_000
            let hour = UInt8((ts / 3_600_000_000) % 24)
            batch.append(
                meterID: meter, ts: ts, kw: kw(meter, slot), quality: slot % 7 == 3 ? .interpolated : .measured,
                hourOfDay: hour, isPeakWindow: (17..<21).contains(hour))
        }
    }
    return batch
}

/// Runs `count` bodies on their own threads at once (not the cooperative pool, which has only
/// as many threads as cores) and returns their results in index order.
func runOnThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) -> [Result<T, any Error>] {
    let box = ThreadResults<T>(count: count)
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        Thread.detachNewThread {
            let r = Result { try body(i) }
            box.lock.lock()
            box.results[i] = r
            box.lock.unlock()
            group.leave()
        }
    }
    group.wait()
    return box.results.map { $0! }
}

private final class ThreadResults<T>: @unchecked Sendable {
    var results: [Result<T, any Error>?]
    let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
}

/// Polls `condition` (a database state, a counter) until it holds; false if `seconds` pass first.
/// The deadline is generous on purpose: it only bounds a hang, it is not what the test checks.
func waitUntil(seconds: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}

/// A call running on a thread of its own while the test does something else.
final class BackgroundCall<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread {
            self.result = Result { try body() }
            self.done.signal()
        }
    }

    /// Waits for the call to end and returns what it returned or threw.
    func value() throws -> T {
        done.wait()
        return try result!.get()
    }
}
