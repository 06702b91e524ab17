import Foundation
import GreenStreamCore
import GreenStreamRPC
import NNG
import Synchronization

/// Runs one gsctl request against the coordinator's admin endpoint and renders the answer.
/// Everything the command line does besides parsing is here, so tests run it in-process
/// against a real RPC server and compare the text.
public enum Ctl {
    /// The largest file `gsctl ingest` sends: the 64 MiB request limit minus room for the envelope.
    public static let maxIngestBytes = RPCClientOptions().maxRequestBytes - (64 << 10)
    /// Jobs asked for per `list_jobs` page (the protocol's maximum).
    static let pageSize = 1000

    /// Now, in UTC microseconds.
    public static func currentMicros() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    /// Runs `request` and returns what to print and the exit status.
    /// - Parameter now: the time ages are measured against.
    public static func execute(_ request: CtlRequest, settings: CtlSettings, now: Int64 = currentMicros()) async
        -> CtlOutput
    {
        // Files are checked before anything is sent: a refused file sends none.
        var files: [(name: String, bytes: [UInt8])] = []
        if case .ingest(let paths, _) = request {
            for path in paths {
                switch readIngestFile(path) {
                case .success(let file): files.append(file)
                case .failure(let message): return .failure(message.text)
                }
            }
        }
        let client: RPCClient
        do {
            client = try RPCClient(
                dialing: settings.coordinator, clusterToken: settings.token, clientID: clientID(),
                options: settings.clientOptions)
        } catch {
            return .failure("cannot use \(settings.coordinator): \(error)")
        }
        let output = await run(request, client: client, settings: settings, files: files, now: now)
        await closeBounded(client)
        return output
    }

    private static func run(
        _ request: CtlRequest, client: RPCClient, settings: CtlSettings, files: [(name: String, bytes: [UInt8])],
        now: Int64
    ) async -> CtlOutput {
        var timeout = settings.timeout
        var jobID: Int64?
        do {
            switch request {
            case .listJobs(let state, let limit, let json):
                let (jobs, more) = try await listJobs(client, state: state, limit: limit)
                let notice = more ? "gsctl: showing the newest \(jobs.count) jobs; more exist (raise --limit)\n" : ""
                return CtlOutput(
                    stdout: json ? JobsFormat.json(jobs) : JobsFormat.table(jobs, now: now), stderr: notice)
            case .showJob(let id, let json):
                jobID = id
                let reply = try await client.showJob(id: id)
                return CtlOutput(stdout: json ? JobsFormat.showJSON(reply) : JobsFormat.show(reply, now: now))
            case .retryJobs(let ids, let json):
                if ids.count == 1 { jobID = ids[0] }
                let reply = try await client.retryJobs(RetryJobsRequest(jobIDs: ids))
                return CtlOutput(stdout: json ? ClusterFormat.retryJSON(reply) : ClusterFormat.retry(reply))
            case .retryMatching(let state, let reason, let json):
                let reply = try await client.retryJobs(RetryJobsRequest(state: state, error: reason))
                return CtlOutput(stdout: json ? ClusterFormat.retryJSON(reply) : ClusterFormat.retry(reply))
            case .listWorkers(let json):
                let workers = try await client.listWorkers().workers
                return CtlOutput(
                    stdout: json ? ClusterFormat.workersJSON(workers) : ClusterFormat.workersTable(workers, now: now))
            case .ingest(_, let json):
                var results: [(file: String, reply: IngestFileReply)] = []
                for file in files {
                    // Big files take longer to travel: one more second per 8 MiB.
                    timeout = settings.timeout + .seconds(file.bytes.count / (8 << 20))
                    guard
                        case .ingestFile(let reply) = try await client.call(
                            .ingestFile(IngestFileRequest(fileName: file.name, content: file.bytes)), timeout: timeout)
                    else { throw RPCClientError.unexpectedReply(call: "ingest_file") }
                    results.append((file.name, reply))
                }
                return CtlOutput(stdout: json ? ClusterFormat.ingestJSON(results) : ClusterFormat.ingest(results))
            case .stats(let json):
                let stats = try await client.stats()
                return CtlOutput(stdout: json ? ClusterFormat.statsJSON(stats) : ClusterFormat.stats(stats))
            case .peak(let day, let top, let json):
                let reply = try await client.peakHours(PeakHoursRequest(day: day, top: UInt32(top)))
                return CtlOutput(stdout: json ? ClusterFormat.peakJSON(reply) : ClusterFormat.peak(reply))
            }
        } catch {
            return .failure(CtlError.message(for: error, settings: settings, timeout: timeout, jobID: jobID))
        }
    }

    /// Pages through `list_jobs` newest first until `limit` jobs or the last page.
    /// - Returns: the jobs, and whether more exist beyond the limit.
    static func listJobs(_ client: RPCClient, state: JobState?, limit: Int) async throws -> ([JobSummary], Bool) {
        var jobs: [JobSummary] = []
        var before: Int64 = 0
        while jobs.count < limit {
            let page = try await client.listJobs(
                ListJobsRequest(state: state, limit: UInt32(min(pageSize, limit - jobs.count)), beforeJobID: before))
            jobs += page.jobs.prefix(limit - jobs.count)
            before = page.nextBeforeJobID
            if before == 0 || page.jobs.isEmpty { return (jobs, false) }
        }
        return (jobs, true)
    }

    struct Refusal: Error {
        var text: String
    }

    /// The file's base name and bytes, or why it cannot be sent.
    static func readIngestFile(_ path: String) -> Result<(name: String, bytes: [UInt8]), Refusal> {
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.intValue
        else { return .failure(Refusal(text: "cannot read \(path): no such file")) }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            return .failure(Refusal(text: "\(path) is not a regular file"))
        }
        guard size <= maxIngestBytes else {
            return .failure(
                Refusal(
                    text: "\(path) is \(size) bytes, more than the \(maxIngestBytes) bytes one request can carry;"
                        + " copy it into the landing zone instead"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Refusal(text: "cannot read \(path)"))
        }
        guard data.count <= maxIngestBytes else {
            return .failure(Refusal(text: "\(path) grew past \(maxIngestBytes) bytes while it was read"))
        }
        return .success((name, [UInt8](data)))
    }

    /// `gsctl@<host>/<pid>`, stable for this process (proto/README.md).
    static func clientID() -> String {
        "gsctl@\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Closes the client after its last call, but gives up after a second: NNG 1.5.2 can hang in
    /// close while a late reply arrives (docs/DECISIONS.md), and gsctl is about to exit anyway.
    static func closeBounded(_ client: RPCClient) async {
        let flag = OnceFlag()
        let claim: @Sendable () -> Bool = { flag.claim() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            Thread {
                client.close()
                if claim() { c.resume() }
            }.start()
            Task {
                try? await Task.sleep(for: .seconds(1))
                if claim() { c.resume() }
            }
        }
    }
}

/// True for the first caller of ``claim()`` only: lets two racers resume one continuation once.
final class OnceFlag: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { was in
            defer { was = true }
            return !was
        }
    }
}
