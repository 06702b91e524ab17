import Foundation
import GreenStreamArchive
import GreenStreamCoordinator
import GreenStreamCore
import GreenStreamFiles
import GreenStreamRPC
import GreenStreamStore
import Logging
import NNG
import Postgres
import Testing

let testToken = "coordinator-test-token"

/// Log lines captured from a coordinator, so tests wait on events instead of sleeping.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

struct CapturingHandler: LogHandler {
    let logs: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let meta = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        logs.append("\(event.level) \(event.message) \(meta)")
    }
}

/// A private schema, a temporary data directory and an in-process coordinator on ipc://.
final class ClusterFixture: @unchecked Sendable {
    let schema: String
    let baseURL: String
    let url: String
    let dataDir: String
    let pool: ConnectionPool
    let logs = CapturedLogs()
    var coordinator: Coordinator?
    let heartbeatTimeout: Double
    let retries: Int
    /// `--hot-retention` of the coordinators this fixture starts (nil: keep everything).
    var hotRetentionDays: Int?

    init(heartbeatTimeout: Double = 5, retries: Int = 3) throws {
        guard let base = ProcessInfo.processInfo.environment["GS_PG_URL"], !base.isEmpty else {
            throw TestFailure(
                "GS_PG_URL is not set: `eval \"$(cluster/postgres.sh start)\"` first. These tests never skip.")
        }
        baseURL = base
        schema = "gs_coord_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresConnection.connect(url: base)
        let ddl = try admin.query("SELECT format('CREATE SCHEMA %I', $1::text) AS sql", [.text(schema)])
        try admin.execute(unsafeSQL: try ddl.row(0).string("sql"))
        url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
        pool = ConnectionPool(url: url, maxConnections: 2, reconnectSeconds: 5)
        dataDir = NSTemporaryDirectory() + "gs-coord-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        self.heartbeatTimeout = heartbeatTimeout
        self.retries = retries
    }

    deinit {
        pool.closeIdle()
        try? FileManager.default.removeItem(atPath: dataDir)
        if let admin = try? PostgresConnection.connect(url: baseURL),
            let ddl = try? admin.query("SELECT format('DROP SCHEMA %I CASCADE', $1::text) AS sql", [.text(schema)]),
            let sql = try? ddl.row(0).string("sql")
        {
            _ = try? admin.execute(unsafeSQL: sql)
        }
    }

    var listenURL: String { "ipc://" + dataDir + "/coordinator.ipc" }

    var configuration: CoordinatorConfiguration {
        CoordinatorConfiguration(
            dataDirectory: dataDir, postgresURL: url, listenURL: listenURL, token: testToken, retries: retries,
            heartbeatTimeoutSeconds: heartbeatTimeout, maxConnections: 4, shutdownGraceSeconds: 10,
            hotRetentionDays: hotRetentionDays)
    }

    /// Starts a coordinator and waits for its `coordinator ready` line.
    @discardableResult
    func start() async throws -> Coordinator {
        var logger = Logger(label: "test.coordinator") { _ in CapturingHandler(logs: self.logs) }
        logger.logLevel = .info
        let c = try Coordinator(configuration: configuration, logger: logger)
        try await c.start()
        #expect(logs.contains("coordinator ready"))
        coordinator = c
        return c
    }

    func stop() async {
        if let c = coordinator { _ = await c.shutdown() }
        coordinator = nil
    }

    func client(id: String = "test-worker") throws -> RPCClient {
        try RPCClient(
            dialing: listenURL, clusterToken: testToken, clientID: id,
            options: RPCClientOptions(
                transport: RequestClientOptions(
                    reconnectMinimum: .milliseconds(20), reconnectMaximum: .milliseconds(200), resendInterval: nil,
                    timeout: .seconds(30))))
    }

    /// Lands a file the way R-J-1 asks: written under a hidden name, then renamed in.
    func land(_ name: String, _ text: String) throws {
        let temporary = dataDir + "/landing/." + name + ".part"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, dataDir + "/landing/" + name) == 0 else { throw TestFailure("rename failed") }
    }

    func path(_ relative: String) -> String { dataDir + "/" + relative }
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    func scalar(_ sql: String, _ params: [PostgresValue] = []) throws -> String? {
        try pool.withConnection { try $0.query(sql, params).rows.first?.first ?? nil }
    }

    /// The first column of every row.
    func column(_ sql: String) throws -> [String] {
        try pool.withConnection { try $0.query(sql).rows.map { $0[0] ?? "" } }
    }

    func jobState(_ id: Int64) throws -> String? {
        try scalar("SELECT state::text FROM jobs WHERE id = $1", [.int(id)])
    }

    /// A worker's result for `assignment`, built like the real worker: Transformer + ArchiveFile.encode.
    static func result(for assignment: JobAssignment, worker: String) throws -> ReportResultRequest {
        let output: TransformOutput
        do { output = try Transformer(config: TransformConfig()).transform(assignment.content) } catch {
            return ReportResultRequest(workerID: worker, job: assignment.job, outcome: .failure(JobFailure(error)))
        }
        let source = try ArchiveSource(fileName: assignment.fileName, contents: assignment.content)
        let files = try ArchiveFile.encode(lease: assignment.job, batch: output.readings, source: source)
        let success = JobSuccess(
            counts: RowCounts(
                rowsRead: output.dataRowCount, measuredRows: output.measuredCount,
                interpolatedRows: output.interpolatedRowCount,
                rejectedRows: output.rejects.count,
                synthesisedSlots: output.interpolatedCount - output.interpolatedRowCount),
            rejectCounts: output.rejectCounts, rejects: output.rejects, readings: output.readings,
            archiveFiles: files.map { ArchiveFilePart(utcDate: "\($0.date)", parquet: $0.bytes) })
        return ReportResultRequest(workerID: worker, job: assignment.job, outcome: .success(success))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` (a database state, a file, a log line) until it holds; throws after `limit`.
/// The limit only bounds a hang; it is not what the test checks.
func eventually(_ what: String, limit: Duration = .seconds(20), _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

let sampleCSV = """
    MeterID,Timestamp,ReadingValue,Unit
    1001,2024-03-01T00:00:00Z,1.20,kW
    1001,2024-03-01T00:15:00Z,1250,W
    1001,2024-03-01T00:30:00Z,,kW
    1001,2024-03-01T00:45:00Z,1.30,kW
    1002,2024-03-01T00:00:00Z,abc,kW
    1002,2024-03-01T00:15:00Z,2.0,kW

    """
