import Foundation
import GreenStreamCore
import GreenStreamRPC
import Logging
import NNG
import GreenStreamTesting

/// A stand-in for the coordinator's admin side behind a real ``RPCServer``: `jobCount` jobs
/// (ids jobCount…1, newest first) paged by key, job 7 to show, job 42 unknown; it records
/// what it was asked.
final class AdminStub: RPCService {
    let jobCount: Int64
    let listRequests = Shared([ListJobsRequest]())
    let retryRequests = Shared([RetryJobsRequest]())
    let ingested = Shared([IngestFileRequest]())

    init(jobCount: Int64 = 0) { self.jobCount = jobCount }

    static func job(_ id: Int64) -> JobSummary {
        JobSummary(
            jobID: id, state: id % 2 == 0 ? .succeeded : .quarantined, attempts: 1, fileName: "f\(id).csv",
            rowsStored: Int(id) * 10, createdAtUs: 1_000_000 * id, updatedAtUs: 1_000_000 * id)
    }

    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        switch body {
        case .listJobs(let r):
            listRequests.withLock { $0.append(r) }
            let top = r.beforeJobID == 0 ? jobCount : r.beforeJobID - 1
            let ids = stride(from: top, to: max(0, top - Int64(r.limit)), by: -1)
            let jobs = ids.map(Self.job)
            let next = (jobs.last?.jobID ?? 0) > 1 ? jobs.last!.jobID : 0
            return .listJobs(ListJobsReply(jobs: jobs, nextBeforeJobID: next))
        case .showJob(let r):
            guard r.jobID == 7 else { throw RPCError(.notFound, "job \(r.jobID) does not exist") }
            return .showJob(
                ShowJobReply(
                    job: Self.job(7), fileSHA256: "ab", fileSize: 12, rejectCounts: [:],
                    attempts: [
                        AttemptRecord(
                            attempt: 1, workerID: "w1", startedAtUs: 7_000_000, endedAtUs: 8_000_000,
                            outcome: "succeeded")
                    ]))
        case .retryJobs(let r):
            retryRequests.withLock { $0.append(r) }
            if r.jobIDs.contains(99) { throw RPCError(.failedPrecondition, "job 99 is running, not quarantined") }
            return .retryJobs(RetryJobsReply(retriedJobIDs: r.jobIDs.isEmpty ? [3, 5] : r.jobIDs))
        case .ingestFile(let r):
            ingested.withLock { $0.append(r) }
            return .ingestFile(IngestFileReply(jobID: 100 + Int64(r.content.count), state: .pending))
        case .stats:
            return .stats(
                StatsReply(
                    jobsByState: [.succeeded: 4, .quarantined: 1], readingsStored: 96, workersAlive: 2, parkedPolls: 2,
                    hotStore: HotStoreStats(
                        oldestDay: "2026-11-30", newestDay: "2026-12-01", rows: 96, bytes: 1_230_000_000,
                        retentionDays: 2)))
        case .listWorkers:
            return .listWorkers(ListWorkersReply(workers: []))
        case .peakHours(let r):
            return .peakHours(PeakHoursReply(day: r.day, gridTimeZone: "UTC", hours: []))
        default:
            throw RPCError(.unknownRequest, "admin calls only")
        }
    }
}

let stubToken = "admin-stub-token"

/// A real RPC server on ipc:// with an ``AdminStub``.
struct StubServer {
    let server: RPCServer
    let stub: AdminStub

    init(_ stub: AdminStub = AdminStub(), token: String = stubToken) throws {
        self.stub = stub
        server = try RPCServer(
            listeningOn: "ipc:///tmp/gs-ctl-test-\(getpid())-\(RPCClient.newRequestID().prefix(12)).ipc",
            options: RPCServerOptions(clusterToken: token), service: stub,
            logger: Logger(label: "stub") { _ in SwiftLogNoOpLogHandler() })
    }

    var environment: [String: String] { ["GS_COORDINATOR": server.url, "GS_TOKEN": stubToken] }
}
