import GreenStreamCore
import GreenStreamRPC
import NNG
import Testing
import GreenStreamTesting

@Suite("Long polls do not starve other calls (R-R-2)")
struct LongPollTests {
    @Test("R-R-2 held polls are bounded and heartbeats keep flowing while they wait")
    func heartbeatsFlowWhilePollsAreHeld() async throws {
        // Few contexts on purpose: without the parked-poll bound the polls would take them all.
        let options = RPCServerOptions(
            clusterToken: testToken, maxParkedPolls: 2, retryAfterMs: 321, transport: ReplyServerOptions(contexts: 4))
        let harness = try Harness(.tcp, options: options)
        defer { harness.server.close() }
        let worker = try harness.client(resend: nil)
        defer { worker.close() }
        let finished = Shared(0)
        let polls = (0..<2).map { i in
            Task {
                defer { finished.withLock { $0 += 1 } }
                return try await worker.leaseJob(LeaseJobRequest(workerID: "w\(i)", waitMs: 30_000))
            }
        }
        try await eventually("two parked polls") { harness.server.parkedPolls == 2 }

        let refused = try await worker.leaseJob(LeaseJobRequest(workerID: "w3", waitMs: 30_000))
        #expect(refused == LeaseJobReply(assignment: nil, retryAfterMs: 321))

        for beat in 0..<20 {
            let reply = try await worker.heartbeat(
                HeartbeatRequest(
                    workerID: "w0",
                    inFlight: [JobProgress(job: JobLease(jobID: Int64(beat), attempt: 1), stage: .encoding)]))
            #expect(reply.cancel == [JobLease(jobID: Int64(beat), attempt: 1)])
        }
        #expect(finished.withLock { $0 } == 0, "the polls were still held while the heartbeats ran")
        #expect(harness.service.count("heartbeat") == 20)

        var first = Fixtures.assignment
        first.job = JobLease(jobID: 1, attempt: 1)
        var second = Fixtures.assignment
        second.job = JobLease(jobID: 2, attempt: 1)
        harness.service.offer(first)
        harness.service.offer(second)
        var leased: [Int64] = []
        for poll in polls {
            leased.append(try #require(try await poll.value.assignment).job.jobID)
        }
        #expect(leased.sorted() == [1, 2])
        try await eventually("polls released") { harness.server.parkedPolls == 0 }
    }

    @Test("R-R-2 a poll with no job returns empty once its wait ends")
    func pollTimesOutEmpty() async throws {
        let harness = try Harness(.ipc)
        defer { harness.server.close() }
        let worker = try harness.client()
        defer { worker.close() }
        let reply = try await worker.leaseJob(LeaseJobRequest(workerID: "w", waitMs: 200))
        #expect(reply == LeaseJobReply(assignment: nil))
        #expect(harness.service.count("lease_job") == 1)
    }

    @Test("Closing the server cancels a held poll and releases its slot")
    func closeCancelsHeldPoll() async throws {
        let harness = try Harness(.tcp)
        let worker = try harness.client(timeout: .seconds(5), resend: nil)
        defer { worker.close() }
        let poll = Task { try await worker.leaseJob(LeaseJobRequest(workerID: "w", waitMs: 60_000)) }
        try await eventually("a parked poll") { harness.server.parkedPolls == 1 }
        harness.server.close()
        try await eventually("the held poll to be cancelled") { harness.server.parkedPolls == 0 }
        poll.cancel()
        _ = await poll.result
    }
}
