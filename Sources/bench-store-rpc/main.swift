// bench-store-rpc: the heartbeat RPC round trip while large hot-store commits run (issue 8,
// item 4). An RPC server whose heartbeat handler calls `JobStore.workerHeartbeat`, one client
// sending heartbeats back to back; p50/p99 idle, then while 4 commits of `--rows` readings each
// run at once. Run from the repository root:
//
//   swift run -c release bench-store-rpc [--rows 1000000] [--idle-seconds 5] [--sync]
//
// Default: the store's async API (blocking libpq work on the pool's store threads). `--sync`
// shows the contrast: the same calls made synchronously from tasks, blocking the cooperative
// threads. Uses GS_PG_URL when set, otherwise starts (and stops) a throwaway server via
// cluster/postgres.sh. Results go to docs/PERFORMANCE.md, section "Store calls and RPC latency".
import Foundation
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import Logging
import Postgres

struct Failure: Error, CustomStringConvertible { let description: String }

struct Options {
    var rows = 1_000_000
    var idleSeconds = 5.0
    var sync = false

    init(_ arguments: [String]) throws {
        var i = 1
        while i < arguments.count {
            switch arguments[i] {
            case "--sync":
                sync = true
                i += 1
            case "--rows", "--idle-seconds":
                guard i + 1 < arguments.count, let value = Double(arguments[i + 1]), value > 0 else {
                    throw Failure(description: "usage: bench-store-rpc [--rows N] [--idle-seconds S] [--sync]")
                }
                if arguments[i] == "--rows" { rows = Int(value) } else { idleSeconds = value }
                i += 2
            default: throw Failure(description: "unknown option \(arguments[i])")
            }
        }
    }
}

/// Runs `cluster/postgres.sh <command>` for the server in `directory`; returns its output.
func cluster(_ command: String, directory: String) throws -> String {
    setenv("GS_PG_DIR", directory, 1)
    guard let pipe = popen("bash cluster/postgres.sh \(command)", "r") else { throw Failure(description: "popen") }
    var output = ""
    var line = [CChar](repeating: 0, count: 4096)
    while fgets(&line, Int32(line.count), pipe) != nil {
        output += String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    guard pclose(pipe) == 0 else { throw Failure(description: "cluster/postgres.sh \(command) failed: \(output)") }
    return output
}

/// Answers heartbeats from the job store, as the coordinator will.
struct HeartbeatService: RPCService {
    let jobs: JobStore
    let sync: Bool

    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        guard case .heartbeat(let request) = body else { return .error(RPCError(.unknownRequest, "not benchmarked")) }
        let leases = request.inFlight.map(\.job)
        let stale =
            sync
            ? try blockingHeartbeat(jobs, request.workerID, leases)
            : try await jobs.workerHeartbeat(workerID: request.workerID, leases: leases)
        return .heartbeat(HeartbeatReply(cancel: stale))
    }
}

// In an async context Swift picks the store's async overloads; these synchronous wrappers are
// how the `--sync` contrast reaches the blocking ones from a task.
func blockingHeartbeat(_ jobs: JobStore, _ worker: String, _ leases: [JobLease]) throws -> [JobLease] {
    try jobs.workerHeartbeat(workerID: worker, leases: leases)
}

func blockingCommit(_ hot: HotStore, _ params: HotCommitParams) throws -> HotCommitResult { try hot.commit(params) }

/// `rows` readings of 1000 meters, meter ids offset by `k`, so concurrent commits touch
/// disjoint readings and rollup rows.
func makeBatch(_ k: Int, rows: Int) -> ReadingBatch {
    let meters = 1000
    let slots = max(1, rows / meters)
    var batch = ReadingBatch()
    batch.reserveCapacity(meters * slots)
    let start: Int64 = 1_767_225_600_000_000
    for m in 1...meters {
        let meter = Int64(k * 1_000_000 + m)
        for slot in 0..<slots {
            let ts = start + Int64(slot) * 900_000_000
            let hour = UInt8((ts / 3_600_000_000) % 24)
            batch.append(
                meterID: meter, ts: ts, kw: Double(m % 17) * 0.25 + Double(slot % 9), quality: .measured,
                hourOfDay: hour, isPeakWindow: (17..<21).contains(hour))
        }
    }
    return batch
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func ms(_ x: Double) -> String { String(format: "%.2f ms", x * 1000) }

/// Sends heartbeats back to back until `stop()` says so; returns each round trip in seconds.
func heartbeats(_ client: RPCClient, _ lease: JobLease, until stop: @Sendable () -> Bool) async throws -> [Double] {
    var times: [Double] = []
    let clock = ContinuousClock()
    while !stop() {
        let elapsed = try await clock.measure {
            _ = try await client.heartbeat(
                HeartbeatRequest(workerID: "bench-worker", inFlight: [JobProgress(job: lease, stage: .transforming)]))
        }
        times.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
    }
    return times
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

let options = try Options(CommandLine.arguments)
var ownedDirectory: String?
var url = ProcessInfo.processInfo.environment["GS_PG_URL"] ?? ""
if url.isEmpty {
    let directory = "/tmp/greenstream-bench-store-rpc-\(getpid())"
    let output = try cluster("start", directory: directory)
    guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("export GS_PG_URL=") }) else {
        throw Failure(description: "cluster/postgres.sh start printed no URL")
    }
    url = String(line.dropFirst("export GS_PG_URL=".count))
    ownedDirectory = directory
}
defer { if let ownedDirectory { _ = try? cluster("stop", directory: ownedDirectory) } }

let schema = "bench_store_rpc_\(getpid())"
let admin = try PostgresConnection.connect(url: url)
try admin.query("SELECT set_config('search_path', 'public', false)")
try admin.execute(
    unsafeSQL: try admin.query("SELECT format('CREATE SCHEMA %I', $1::text) AS s", [.text(schema)]).row(0).string("s"))
defer {
    if let drop = try? admin.query("SELECT format('DROP SCHEMA %I CASCADE', $1::text) AS s", [.text(schema)]),
        let sql = try? drop.row(0).string("s")
    {
        _ = try? admin.execute(unsafeSQL: sql)
    }
}
let pool = ConnectionPool(
    url: url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema, maxConnections: 6)
try pool.withConnection { _ = try Migrator().migrate($0) }
let jobs = JobStore(pool: pool, configuration: JobStoreConfiguration(heartbeatTimeoutSeconds: 3600))
let hot = HotStore(pool: pool)

func claim(_ name: String) throws -> Job {
    var sha = Array(name.utf8.prefix(32))
    sha += [UInt8](repeating: 0x42, count: 32 - sha.count)
    _ = try jobs.jobCreate(JobCreateParams(fileName: name, sha256: sha, sizeBytes: 1))
    guard let job = try jobs.jobClaimNext(workerID: name == "heartbeat" ? "bench-worker" : "committer") else {
        throw Failure(description: "no job to claim")
    }
    return job
}
let beating = try claim("heartbeat")
let committing = try (0..<4).map { try claim("commit-\($0)") }
let batches = (0..<4).map { makeBatch($0, rows: options.rows) }

var logger = Logger(label: "bench-store-rpc")
logger.logLevel = .error
let token = "bench-token"
let server = try RPCServer(
    listeningOn: "tcp://127.0.0.1:0", options: RPCServerOptions(clusterToken: token),
    service: HeartbeatService(jobs: jobs, sync: options.sync), logger: logger)
defer { server.close() }
let client = try RPCClient(dialing: server.url, clusterToken: token)
defer { client.close() }
print(
    "bench-store-rpc: \(options.sync ? "SYNC store calls on the task pool" : "async store API (store threads)"), "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores, 4 commits × \(batches[0].count) readings")

// Warm up, then idle.
let warm = Date().addingTimeInterval(1)
_ = try await heartbeats(client, beating.lease) { Date() >= warm }
let idleEnd = Date().addingTimeInterval(options.idleSeconds)
let idle = try await heartbeats(client, beating.lease) { Date() >= idleEnd }.sorted()

// Under load: 4 commits at once; heartbeats until the last one ends.
let done = Flag()
let commitStart = Date()
let commits = Task {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (job, batch) in zip(committing, batches) {
            group.addTask {
                let params = HotCommitParams(lease: job.lease, readings: batch)
                let result = options.sync ? try blockingCommit(hot, params) : try await hot.commit(params)
                guard case .committed = result else { throw Failure(description: "commit: \(result)") }
            }
        }
        try await group.waitForAll()
    }
    done.set()
}
let loaded = try await heartbeats(client, beating.lease) { done.isSet }.sorted()
try await commits.value
let commitSeconds = Date().timeIntervalSince(commitStart)

print("| phase | round trips | p50 | p99 | max |")
print("| --- | --- | --- | --- | --- |")
print("| idle | \(idle.count) | \(ms(percentile(idle, 0.5))) | \(ms(percentile(idle, 0.99))) | \(ms(idle.last!)) |")
if loaded.isEmpty {
    print("| during 4 commits | 0 | – | – | – |  (no heartbeat completed while the commits ran)")
} else {
    let p50 = ms(percentile(loaded, 0.5))
    print("| during 4 commits | \(loaded.count) | \(p50) | \(ms(percentile(loaded, 0.99))) | \(ms(loaded.last!)) |")
    print(
        "p99 under load / idle p99: \(String(format: "%.2f", percentile(loaded, 0.99) / percentile(idle, 0.99)))×; "
            + "commits took \(String(format: "%.1f", commitSeconds)) s")
}
