import GreenStreamCore
import GreenStreamRPC
import NNG
import Synchronization
import GreenStreamTesting

/// A small in-memory application behind a real ``RPCServer``. Its answers are
/// computed from the request's fields (``answer(_:)``), so a field lost or altered
/// in transit shows up as a wrong reply. It counts calls, so tests can see that a
/// refused or resent request did not run twice, and it holds `LeaseJob` polls until
/// a job is offered or the wait ends, and `peak_hours` for day "slow" until the test
/// releases it.
final class TestService: RPCService {
    private let calls = Mutex([String: Int]())
    private let jobs = Mailbox<JobAssignment>()
    private let slowCalls = Mailbox<Void>()
    private let pipes = Mutex(Set<UInt32>())

    /// The connections requests arrived on (``RequestContext/pipeID``).
    var pipeIDs: Set<UInt32> { pipes.withLock { $0 } }

    /// How often each call reached the service.
    func count(_ name: String) -> Int { calls.withLock { $0[name, default: 0] } }
    var totalCalls: Int { calls.withLock { $0.values.reduce(0, +) } }

    /// Makes a job available to the longest-held poll, or to the next one.
    func offer(_ job: JobAssignment) { jobs.post(job) }

    /// Lets one held `peak_hours` call for day "slow" answer.
    func releaseSlowCall() { slowCalls.post(()) }

    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        calls.withLock { $0[body.name, default: 0] += 1 }
        pipes.withLock { _ = $0.insert(context.pipeID) }
        if case .leaseJob(let poll) = body {
            return .leaseJob(LeaseJobReply(assignment: await jobs.take(timeout: .milliseconds(poll.waitMs))))
        }
        if case .showJob(let r) = body, r.jobID < 0 { throw RPCError(.notFound, "job \(r.jobID) does not exist") }
        if case .peakHours(let r) = body, r.day == "slow" { _ = await slowCalls.take(timeout: nil) }
        return Self.answer(body)
    }

    /// The reply to every call except `LeaseJob` with a wait, derived from the request.
    static func answer(_ body: RPCRequest.Body) -> RPCReply.Body {
        switch body {
        case .registerWorker(let r):
            return .registerWorker(
                RegisterWorkerReply(
                    heartbeatIntervalMs: r.maxConcurrentJobs * 1000, maxLeaseWaitMs: 20_000,
                    maxRequestBytes: UInt64(r.workerID.utf8.count)))
        case .leaseJob:
            return .leaseJob(LeaseJobReply(assignment: nil))
        case .heartbeat(let r):
            return .heartbeat(
                HeartbeatReply(
                    cancel: r.inFlight.filter { $0.stage == .encoding }.map(\.job), drain: r.inFlight.isEmpty))
        case .reportResult(let r):
            switch r.outcome {
            case .success(let s):
                return .reportResult(
                    ReportResultReply(jobState: s.readings.count == s.readings.quality.count ? .succeeded : .running))
            case .failure(let f):
                return .reportResult(ReportResultReply(jobState: f.kind == .permanent ? .quarantined : .retrying))
            }
        case .listJobs(let r):
            let jobs = (0..<Int64(r.limit)).map { i in
                JobSummary(
                    jobID: r.beforeJobID - 1 - i, state: r.state ?? .pending, attempts: 1, fileName: "f\(i).csv",
                    createdAtUs: i, updatedAtUs: i + 1)
            }
            return .listJobs(ListJobsReply(jobs: jobs, nextBeforeJobID: jobs.last?.jobID ?? 0))
        case .showJob(let r):
            return .showJob(
                ShowJobReply(
                    job: JobSummary(
                        jobID: r.jobID, state: .succeeded, attempts: 1, fileName: "job\(r.jobID).csv",
                        createdAtUs: r.jobID, updatedAtUs: r.jobID),
                    fileSHA256: String(r.jobID, radix: 16), fileSize: UInt64(truncatingIfNeeded: r.jobID),
                    rejectCounts: [.invalidUnit: 1],
                    attempts: [
                        AttemptRecord(attempt: 1, workerID: "w", startedAtUs: 1, endedAtUs: 2, outcome: "succeeded")
                    ]))
        case .retryJobs(let r):
            return .retryJobs(
                RetryJobsReply(retriedJobIDs: r.jobIDs.isEmpty ? [Int64(r.error.utf8.count)] : r.jobIDs.reversed()))
        case .listWorkers:
            return .listWorkers(
                ListWorkersReply(workers: [
                    WorkerInfo(
                        workerID: "w1", hostname: "h", softwareVersion: "1", address: "a", registeredAtUs: 1,
                        lastHeartbeatUs: 2)
                ]))
        case .ingestFile(let r):
            return .ingestFile(
                IngestFileReply(
                    jobID: Int64(r.content.count), state: r.fileName.hasPrefix("dup") ? .duplicate : .pending))
        case .stats:
            return .stats(StatsReply(jobsByState: [.running: 2], readingsStored: 10, workersAlive: 1, parkedPolls: 0))
        case .peakHours(let r):
            return .peakHours(
                PeakHoursReply(
                    day: r.day, gridTimeZone: "UTC",
                    hours: (0..<r.top).map { PeakHour(hourStartUs: Int64($0), meters: $0, loadKW: Double($0)) }))
        }
    }
}
