import GreenStreamCore
import GreenStreamRPC
import Synchronization
import GreenStreamTesting

/// A small stand-in for the coordinator behind a real ``RPCServer``: it hands out the jobs a test
/// offers to the worker's long polls, records registrations, heartbeats and (reassembled) results,
/// cancels attempts on request, and can hold results until the test releases them. Every
/// arrival is posted to a mailbox, so tests wait on signals, never on time.
final class StandInCoordinator: RPCService {
    struct State {
        var registrations = 0
        var cancel: Set<JobLease> = []
        var holdReports = false
        var assemblers: [JobLease: ResultAssembler] = [:]
        var reportsReceived: [ReportResultRequest] = []
        var heartbeatsReceived: [HeartbeatRequest] = []
    }

    let heartbeatIntervalMs: UInt32
    let maxRequestBytes: UInt64
    /// Jobs waiting for a poll.
    private let jobs = Mailbox<JobAssignment>()
    /// Every registration, every heartbeat, every whole result, every poll, as they arrive.
    let registrations = Mailbox<RegisterWorkerRequest>()
    let heartbeats = Mailbox<HeartbeatRequest>()
    let reports = Mailbox<ReportResultRequest>()
    let polls = Mailbox<LeaseJobRequest>()
    /// Results that arrived while held (``holdReports(_:)``).
    let heldReports = Mailbox<JobLease>()
    private let releases = Mailbox<Void>()
    private let state = Mutex(State())

    init(heartbeatIntervalMs: UInt32 = 50, maxRequestBytes: UInt64 = 64 << 20) {
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.maxRequestBytes = maxRequestBytes
    }

    func offer(_ job: JobAssignment) { jobs.post(job) }
    /// Heartbeat replies from now on cancel `lease`.
    func cancel(_ lease: JobLease) { state.withLock { _ = $0.cancel.insert(lease) } }
    /// While on, results wait for ``releaseReport()`` before they are answered.
    func holdReports(_ on: Bool) { state.withLock { $0.holdReports = on } }
    func releaseReport() { releases.post(()) }

    var registrationCount: Int { state.withLock { $0.registrations } }
    var reportsReceived: [ReportResultRequest] { state.withLock { $0.reportsReceived } }
    var heartbeatsReceived: [HeartbeatRequest] { state.withLock { $0.heartbeatsReceived } }

    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        switch body {
        case .registerWorker(let r):
            state.withLock { $0.registrations += 1 }
            registrations.post(r)
            return .registerWorker(
                RegisterWorkerReply(
                    heartbeatIntervalMs: heartbeatIntervalMs, maxLeaseWaitMs: 300, maxRequestBytes: maxRequestBytes))
        case .leaseJob(let r):
            polls.post(r)
            return .leaseJob(LeaseJobReply(assignment: await jobs.take(timeout: .milliseconds(r.waitMs))))
        case .heartbeat(let r):
            let cancel = state.withLock { s in
                s.heartbeatsReceived.append(r)
                return r.inFlight.map(\.job).filter { s.cancel.contains($0) }
            }
            heartbeats.post(r)
            return .heartbeat(HeartbeatReply(cancel: cancel))
        case .reportResult(let r):
            return .reportResult(ReportResultReply(jobState: try await report(r)))
        default:
            throw RPCError(.unknownRequest, "the stand-in coordinator serves the worker protocol only")
        }
    }

    private func report(_ part: ReportResultRequest) async throws -> JobState {
        let whole: ReportResultRequest? = try state.withLock { s in
            guard part.partCount > 1 else { return part }
            var assembler = s.assemblers[part.job] ?? ResultAssembler(first: part)
            let done = try assembler.add(part)
            s.assemblers[part.job] = done == nil ? assembler : nil
            return done.map { ReportResultRequest(workerID: part.workerID, job: part.job, outcome: .success($0)) }
        }
        guard let whole else { return .running }
        if state.withLock({ $0.holdReports }) {
            heldReports.post(whole.job)
            _ = await releases.take(timeout: nil)
        }
        state.withLock { $0.reportsReceived.append(whole) }
        reports.post(whole)
        switch whole.outcome {
        case .success: return .succeeded
        case .failure(let f): return f.kind == .permanent ? .quarantined : .retrying
        }
    }
}
