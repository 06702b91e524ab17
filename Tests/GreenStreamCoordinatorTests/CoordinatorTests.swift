import Foundation
import GreenStreamArchive
import GreenStreamCoordinator
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import Testing

/// An in-process coordinator with a real data directory, the real PostgreSQL and a real NNG endpoint;
/// the test plays the worker through RPCClient. (Multi-process tests are in ClusterTests.)
@Suite(.serialized)
struct CoordinatorTests {
    @Test("R-J-1/R-H-1 landed files become jobs, in landing order, without a rescan")
    func landedFilesBecomeJobsInOrder() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        for i in 1...5 { try fx.land("f\(i).csv", sampleCSV + "1003,2024-03-01T00:00:00Z,\(i),kW\n") }
        try await eventually("five jobs") { try fx.scalar("SELECT count(*) FROM jobs") == "5" }
        let names = try fx.column("SELECT file_name FROM jobs ORDER BY id")
        #expect(names == ["f1.csv", "f2.csv", "f3.csv", "f4.csv", "f5.csv"])
        // Temporary names are never jobs.
        try Data("x".utf8).write(to: URL(fileURLWithPath: fx.path("landing/.hidden.csv")))
        try Data("x".utf8).write(to: URL(fileURLWithPath: fx.path("landing/upload.csv.part")))
        try fx.land("f6.csv", sampleCSV)
        try await eventually("sixth job") { try fx.scalar("SELECT count(*) FROM jobs") == "6" }
        #expect(try fx.scalar("SELECT count(*) FROM jobs WHERE file_name LIKE '%part' OR file_name LIKE '.%'") == "0")
        // A writer that writes in place (no rename) is noticed when it closes the file.
        #expect(FileManager.default.createFile(atPath: fx.path("landing/direct.csv"), contents: Data(sampleCSV.utf8)))
        try await eventually("in-place file's job") {
            try fx.scalar("SELECT count(*) FROM jobs WHERE file_name = 'direct.csv'") == "1"
        }
        await fx.stop()
    }

    @Test("R-H-3/R-J-5 a worker's success: readings stored, archive published, raw file processed, rejects written")
    func successCommitsBothSinksAndZones() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("feeder.csv", sampleCSV)
        let client = try fx.client()
        _ = try await client.registerWorker(
            .init(workerID: "w1", hostname: "test", softwareVersion: "t", maxConcurrentJobs: 1))
        let reply = try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000))
        let assignment = try #require(reply.assignment)
        #expect(assignment.fileName == "feeder.csv")
        #expect(assignment.content == Array(sampleCSV.utf8))
        let result = try ClusterFixture.result(for: assignment, worker: "w1")
        let answer = try await client.reportResultInParts(result)
        #expect(answer.jobState == .succeeded)
        let id = assignment.job.jobID
        #expect(try fx.jobState(id) == "succeeded")
        guard case .success(let success) = result.outcome else { throw TestFailure("not a success") }
        #expect(
            try fx.scalar("SELECT count(*) FROM readings WHERE job_id = $1", [.int(id)]) == "\(success.readings.count)")
        // The reply comes once the hot store committed; the file steps finish behind it.
        try await eventually("job committed") { fx.logs.contains("job committed") }
        #expect(fx.exists("processed/\(id)-feeder.csv"))
        #expect(!fx.exists("landing/feeder.csv"))
        #expect(fx.exists("archive/readings/date=2024-03-01/part-\(id).parquet"))
        let rejects = try String(contentsOfFile: fx.path("quarantine/rejects/\(id).csv"), encoding: .utf8)
        #expect(rejects.hasPrefix(TransformOutput.rejectsCSVHeader))
        #expect(rejects.contains("invalid_value"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fx.path("archive/.staging")).filter {
                !$0.hasPrefix(".")
            }.isEmpty)
        // gsctl's view: the summary carries the counts and the rejects by reason.
        let listed = try await client.listJobs(.init())
        let row = try #require(listed.jobs.first)
        #expect(
            row.state == .succeeded && row.rowsStored == success.readings.count && row.rejectCounts[.invalidValue] == 1)
        client.close()
        await fx.stop()
    }

    @Test("R-J-4 a stale attempt's late result is refused and changes nothing")
    func staleResultRefused() async throws {
        let fx = try ClusterFixture(heartbeatTimeout: 0.5)
        try await fx.start()
        try fx.land("slow.csv", sampleCSV)
        let client = try fx.client()
        let first = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        // w1 goes silent: the rescuer fails attempt 1 (worker_lost) and the job is leased again to w2.
        let second = try #require(try await client.leaseJob(.init(workerID: "w2", waitMs: 20_000)).assignment)
        #expect(second.job.attempt == first.job.attempt + 1)
        let late = try ClusterFixture.result(for: first, worker: "w1")
        await #expect(throws: RPCError.self) { _ = try await client.reportResult(late) }
        let id = first.job.jobID
        #expect(try fx.jobState(id) == "running")
        #expect(try fx.scalar("SELECT count(*) FROM readings") == "0")
        #expect(!fx.exists("archive/readings"))
        #expect(fx.exists("landing/slow.csv"))
        #expect(fx.logs.contains("result refused: stale attempt"))
        // The current attempt still commits.
        let answer = try await client.reportResult(try ClusterFixture.result(for: second, worker: "w2"))
        #expect(answer.jobState == .succeeded)
        client.close()
        await fx.stop()
    }

    @Test("R-J-5/R-IN-3 a permanent failure is quarantined at once beside its JSON record")
    func permanentFailureQuarantined() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("bad.csv", "MeterID,Timestamp,ReadingValue\n1,2024-03-01T00:00:00Z,1\n")
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        let result = try ClusterFixture.result(for: assignment, worker: "w1")
        guard case .failure(let failure) = result.outcome else { throw TestFailure("expected a failure") }
        #expect(failure.reason == "missing_column:unit" && failure.kind == .permanent)
        let answer = try await client.reportResult(result)
        #expect(answer.jobState == .quarantined)
        let id = assignment.job.jobID
        try await eventually("quarantined file") { fx.exists("quarantine/\(id)-bad.csv") }
        let record =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: fx.path("quarantine/\(id)-bad.csv.json"))))
            as? [String: Any]
        #expect(record?["reason"] as? String == "missing_column:unit")
        #expect(record?["job_id"] as? Int == Int(id))
        #expect(record?["attempts"] as? Int == 1)
        #expect(!fx.exists("landing/bad.csv"))
        let listed = try await client.listJobs(.init())
        #expect(listed.jobs.first?.error == "missing_column:unit")
        client.close()
        await fx.stop()
    }

    @Test("R-J-7 restart: a staged but uncommitted attempt is undone; a file landed while down gets a job")
    func restartReconciles() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("a.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        client.close()
        await fx.stop()
        // As if the coordinator died between staging and the hot commit.
        let result = try ClusterFixture.result(for: assignment, worker: "w1")
        guard case .success(let success) = result.outcome else { throw TestFailure("not a success") }
        let archive = ArchiveWriter(dataDirectory: fx.dataDir)
        let files = success.archiveFiles.map { ArchiveFile(date: UTCDate($0.utcDate)!, rowCount: 0, bytes: $0.parquet) }
        try archive.stage(lease: assignment.job, files: files)
        #expect(try archive.stagedAttempts() == [assignment.job])
        try Data("line\n".utf8).write(
            to: URL(
                fileURLWithPath: fx.path(
                    "quarantine/rejects/.staging/\(assignment.job.jobID)-a\(assignment.job.attempt).csv")))
        try fx.land("b.csv", sampleCSV + "1009,2024-03-01T00:00:00Z,1,kW\n")
        try await fx.start()
        #expect(try archive.stagedAttempts().isEmpty)
        #expect(!fx.exists("quarantine/rejects/.staging/\(assignment.job.jobID)-a\(assignment.job.attempt).csv"))
        #expect(!fx.exists("quarantine/rejects/\(assignment.job.jobID).csv"))
        #expect(try fx.scalar("SELECT count(*) FROM jobs WHERE file_name = 'b.csv'") == "1")
        #expect(fx.logs.contains("restart: uncommitted attempt undone"))
        await fx.stop()
    }
}
