import Foundation
import GreenStreamArchive
import GreenStreamCoordinator
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import Testing

/// Duplicates, operator retries, ingest, results in parts, unsafe names, heartbeats and restart
/// finishing a committed attempt, against an in-process coordinator.
@Suite(.serialized)
struct CoordinatorOperationsTests {
    @Test("R-J-2 a file with a succeeded job's content is a duplicate and goes straight to processed")
    func duplicateContentGoesToProcessed() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("one.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        #expect(
            try await client.reportResult(try ClusterFixture.result(for: assignment, worker: "w1")).jobState
                == .succeeded)
        try fx.land("two.csv", sampleCSV)
        try await eventually("duplicate job") {
            try fx.scalar("SELECT state::text FROM jobs WHERE file_name = 'two.csv'") == "duplicate"
        }
        let id = try #require(try fx.scalar("SELECT id FROM jobs WHERE file_name = 'two.csv'"))
        try await eventually("duplicate moved") { fx.exists("processed/\(id)-two.csv") }
        #expect(!fx.exists("landing/two.csv"))
        client.close()
        await fx.stop()
    }

    @Test("R-J-6 a quarantined job retried by an operator runs again from quarantine/ and ends in processed/")
    func retriedQuarantinedJobSucceeds() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("flaky.csv", sampleCSV)
        let client = try fx.client()
        let first = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        // Reported as permanent so it is quarantined at once (as if the file had been judged unusable).
        let failed = ReportResultRequest(
            workerID: "w1", job: first.job, outcome: .failure(JobFailure(kind: .permanent, reason: "no_header")))
        #expect(try await client.reportResult(failed).jobState == .quarantined)
        let id = first.job.jobID
        try await eventually("quarantined") {
            fx.exists("quarantine/\(id)-flaky.csv") && fx.exists("quarantine/\(id)-flaky.csv.json")
        }
        let retried = try await client.retryJobs(.init(state: .quarantined, error: "no_header"))
        #expect(retried.retriedJobIDs == [id])
        let second = try #require(try await client.leaseJob(.init(workerID: "w2", waitMs: 10_000)).assignment)
        #expect(second.job == JobLease(jobID: id, attempt: 2))
        #expect(second.content == Array(sampleCSV.utf8))
        #expect(
            try await client.reportResult(try ClusterFixture.result(for: second, worker: "w2")).jobState == .succeeded)
        try await eventually("processed") { fx.exists("processed/\(id)-flaky.csv") }
        #expect(!fx.exists("quarantine/\(id)-flaky.csv"))
        #expect(!fx.exists("quarantine/\(id)-flaky.csv.json"))
        await #expect(throws: RPCError.self) { _ = try await client.retryJobs(.init(jobIDs: [id])) }
        client.close()
        await fx.stop()
    }

    @Test("R-O-2 ingest lands the file atomically and answers with its job; unsafe names are refused")
    func ingestCreatesAJob() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        let client = try fx.client(id: "gsctl")
        let reply = try await client.ingestFile(.init(fileName: "sent.csv", content: Array(sampleCSV.utf8)))
        #expect(reply.state == .pending)
        #expect(try fx.scalar("SELECT file_name FROM jobs WHERE id = $1", [.int(reply.jobID)]) == "sent.csv")
        #expect(fx.exists("landing/sent.csv"))
        await #expect(throws: RPCError.self) {
            _ = try await client.ingestFile(.init(fileName: "../x.csv", content: [1]))
        }
        await #expect(throws: RPCError.self) {
            _ = try await client.ingestFile(.init(fileName: "sent.csv", content: [1]))
        }
        // A landed file with an unsafe name is refused and logged, never a job.
        try fx.land("a..b.csv", sampleCSV)
        try await eventually("refusal logged") { fx.logs.contains("landed file refused: unsafe name") }
        #expect(try fx.scalar("SELECT count(*) FROM jobs") == "1")
        let stats = try await client.stats()
        #expect(stats.jobsByState[.pending] == 1)
        client.close()
        await fx.stop()
    }

    @Test("R-R-4 a result sent in parts is committed once the last part arrives")
    func resultInPartsCommits() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        var csv = "MeterID,Timestamp,ReadingValue,Unit\n"
        for meter in 1...100 {
            for slot in 0..<96 {
                csv +=
                    "\(meter),2024-03-01T\(String(format: "%02d:%02d", slot / 4, slot % 4 * 15)):00Z,\(meter % 7).5,kW\n"
            }
        }
        try fx.land("big.csv", csv)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        let result = try ClusterFixture.result(for: assignment, worker: "w1")
        #expect(ResultParts.split(result, maxPartBytes: 64 << 10).count > 2)
        let reply = try await client.reportResultInParts(result, maxPartBytes: 64 << 10)
        #expect(reply.jobState == .succeeded)
        #expect(try fx.scalar("SELECT count(*) FROM readings") == "9600")
        try await eventually("archive file") {
            fx.exists("archive/readings/date=2024-03-01/part-\(assignment.job.jobID).parquet")
        }
        client.close()
        await fx.stop()
    }

    @Test("R-J-3 heartbeats keep an attempt; a heartbeat naming an ended attempt is told to cancel it")
    func heartbeatCancelsEndedAttempts() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("hb.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        let alive = try await client.heartbeat(
            .init(workerID: "w1", inFlight: [JobProgress(job: assignment.job, stage: .transforming)]))
        #expect(alive.cancel.isEmpty)
        let stale = JobLease(jobID: assignment.job.jobID, attempt: assignment.job.attempt + 5)
        let reply = try await client.heartbeat(
            .init(workerID: "w1", inFlight: [JobProgress(job: stale, stage: .transforming)]))
        #expect(reply.cancel == [stale])
        let workers = try await client.listWorkers()
        #expect(workers.workers.map(\.workerID) == ["w1"])
        client.close()
        await fx.stop()
    }

    @Test(
        "R-J-7 restart: an attempt that committed before the crash is published, its rejects written, its file processed"
    )
    func restartFinishesCommittedAttempt() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("c.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        client.close()
        await fx.stop()
        // As if the coordinator died right after the hot commit: staged, committed, nothing published.
        let result = try ClusterFixture.result(for: assignment, worker: "w1")
        guard case .success(let success) = result.outcome else { throw TestFailure("not a success") }
        let archive = ArchiveWriter(dataDirectory: fx.dataDir)
        try archive.stage(
            lease: assignment.job,
            files: success.archiveFiles.map { ArchiveFile(date: UTCDate($0.utcDate)!, rowCount: 0, bytes: $0.parquet) })
        let zones = Zones(dataDirectory: fx.dataDir)
        try zones.stageRejects(assignment.job, csv: TransformOutput(rejects: success.rejects).rejectsCSV())
        let committed = try await HotStore(pool: fx.pool).commit(
            HotCommitParams(lease: assignment.job, readings: success.readings, rejectCounts: success.rejectCounts))
        guard case .committed = committed else { throw TestFailure("expected the commit to succeed: \(committed)") }
        try await fx.start()
        let id = assignment.job.jobID
        #expect(fx.exists("archive/readings/date=2024-03-01/part-\(id).parquet"))
        #expect(fx.exists("quarantine/rejects/\(id).csv"))
        #expect(fx.exists("processed/\(id)-c.csv"))
        #expect(!fx.exists("landing/c.csv"))
        #expect(try archive.stagedAttempts().isEmpty)
        #expect(try zones.stagedRejects().isEmpty)
        #expect(fx.logs.contains("restart: committed attempt finished"))
        await fx.stop()
    }

    @Test("R-J-3 a poll whose connection closed stops at once and claims nothing")
    func pollOfClosedConnectionClaimsNothing() async throws {
        let fx = try ClusterFixture()
        let coordinator = try await fx.start()
        let gone = try fx.client(id: "gone")
        let poll = Task { try? await gone.leaseJob(.init(workerID: "gone", waitMs: 25_000)) }
        try await eventually("poll held") { coordinator.parkedPolls == 1 }
        gone.close()
        try await eventually("poll released") { coordinator.parkedPolls == 0 }
        _ = await poll.value
        try fx.land("after.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        #expect(assignment.job.attempt == 1)
        #expect(try fx.scalar("SELECT count(*) FROM job_attempts WHERE worker_id = 'gone'") == "0")
        client.close()
        await fx.stop()
    }

    @Test("R-J-3 an attempt whose worker goes silent with the budget spent is quarantined with worker_lost")
    func silentWorkerSpendsTheBudget() async throws {
        let fx = try ClusterFixture(heartbeatTimeout: 0.5, retries: 0)
        try await fx.start()
        try fx.land("poison.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        let id = assignment.job.jobID
        try await eventually("quarantined with its record") {
            fx.exists("quarantine/\(id)-poison.csv") && fx.exists("quarantine/\(id)-poison.csv.json")
        }
        let record =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: fx.path("quarantine/\(id)-poison.csv.json"))))
            as? [String: Any]
        #expect(record?["reason"] as? String == "worker_lost")
        #expect(fx.logs.contains("attempt lost"))
        let listed = try await client.listJobs(.init(state: .quarantined))
        #expect(listed.jobs.map(\.error) == ["worker_lost"])
        // Its late result changes nothing.
        await #expect(throws: RPCError.self) {
            _ = try await client.reportResult(try ClusterFixture.result(for: assignment, worker: "w1"))
        }
        #expect(try fx.scalar("SELECT count(*) FROM readings") == "0")
        client.close()
        await fx.stop()
    }

    @Test("R-J-2 an identical re-upload under the same name, after its job ended, is a new duplicate job")
    func identicalReuploadIsDuplicate() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("same.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        #expect(try await client.reportResult(try ClusterFixture.result(for: assignment, worker: "w1")).jobState == .succeeded)
        try await eventually("first upload processed") { fx.exists("processed/\(assignment.job.jobID)-same.csv") }
        let again = try await client.ingestFile(.init(fileName: "same.csv", content: Array(sampleCSV.utf8)))
        #expect(again.jobID > assignment.job.jobID)
        #expect(again.state == .duplicate)
        try await eventually("re-upload processed") { fx.exists("processed/\(again.jobID)-same.csv") }
        #expect(fx.exists("processed/\(assignment.job.jobID)-same.csv"))
        #expect(try fx.scalar("SELECT count(*) FROM jobs") == "2")
        client.close()
        await fx.stop()
    }
}
