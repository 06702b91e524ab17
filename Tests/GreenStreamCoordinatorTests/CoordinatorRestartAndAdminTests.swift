import Foundation
import GreenStreamCoordinator
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import GreenStreamTesting
import Testing

@Suite(.serialized)
struct CoordinatorRestartAndAdminTests {
    @Test("R-J-7 restart: a job that ended while its raw file still sat in landing/ gets the file moved and its record")
    func restartMovesEndedJobsRawFile() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("p.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        client.close()
        await fx.stop()
        // The failure was recorded, then the coordinator died before moving the file.
        let jobs = JobStore(pool: fx.pool)
        let recorded = try await jobs.jobRecordFailure(assignment.job, error: "not_text", kind: .permanent)
        #expect(recorded == .quarantined)
        #expect(fx.exists("landing/p.csv"))
        try await fx.start()
        let id = assignment.job.jobID
        #expect(fx.exists("quarantine/\(id)-p.csv"))
        #expect(fx.exists("quarantine/\(id)-p.csv.json"))
        #expect(!fx.exists("landing/p.csv"))
        #expect(try fx.scalar("SELECT count(*) FROM jobs") == "1")
        await fx.stop()
    }

    @Test("Shutdown answers held long polls at once with no job, then stops")
    func shutdownReleasesHeldPolls() async throws {
        let fx = try ClusterFixture()
        let coordinator = try await fx.start()
        let client = try fx.client()
        let poll = Task { try await client.leaseJob(.init(workerID: "w1", waitMs: 25_000)) }
        try await eventually("poll held") { coordinator.parkedPolls == 1 }
        let started = ContinuousClock.now
        await fx.stop()
        let reply = try await poll.value
        #expect(reply.assignment == nil)
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(fx.logs.contains("coordinator stopped"))
        client.close()
    }

    @Test("R-O-1/R-O-2/R-F-3 show, stats and peak hours after a commit")
    func adminCallsAfterACommit() async throws {
        let fx = try ClusterFixture()
        try await fx.start()
        try fx.land("evening.csv", sampleCSV)
        let client = try fx.client()
        let assignment = try #require(try await client.leaseJob(.init(workerID: "w1", waitMs: 10_000)).assignment)
        _ = try await client.reportResult(try ClusterFixture.result(for: assignment, worker: "w1"))
        let shown = try await client.showJob(id: assignment.job.jobID)
        #expect(shown.job.state == .succeeded && shown.attempts.count == 1 && shown.attempts[0].outcome == "succeeded")
        #expect(shown.rejectCounts[.invalidValue] == 1)
        let stats = try await client.stats()
        #expect(stats.jobsByState[.succeeded] == 1)
        #expect(stats.readingsStored == Int(try fx.scalar("SELECT count(*) FROM readings") ?? "-1"))
        let peak = try await client.peakHours(.init(day: "2024-03-01", top: 1))
        #expect(peak.hours.count == 1 && peak.gridTimeZone == "UTC")
        await #expect(throws: RPCError.self) { _ = try await client.showJob(id: 999) }
        await #expect(throws: RPCError.self) { _ = try await client.peakHours(.init(day: "yesterday")) }
        client.close()
        await fx.stop()
    }

    @Test("greenstream coordinator: options from the environment, token file trimmed, ready line, SIGTERM exits 0")
    func commandRunsAndStopsOnSIGTERM() async throws {
        let fx = try ClusterFixture()
        let tokenFile = fx.path("token")
        try Data("  \(testToken)\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let logFile = fx.path("coordinator.log")
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ChildProcess.greenstreamBinary())
        process.arguments = ["coordinator", "--listen", fx.listenURL]
        var env = ProcessInfo.processInfo.environment
        env["GS_DATA_DIR"] = fx.path("data")
        env["GS_PG_URL"] = fx.url
        env["GS_TOKEN_FILE"] = tokenFile
        env["GS_TOKEN"] = nil
        process.environment = env
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        try process.run()
        let log = { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
        try await eventually("coordinator ready", limit: .seconds(60)) { log().contains("coordinator ready") }
        #expect(log().contains("listen=\(fx.listenURL)"))
        // The trimmed token is the cluster token: an admin call with it is answered.
        let client = try fx.client(id: "gsctl")
        let stats = try await client.stats()
        #expect(stats.jobsByState.values.reduce(0, +) == 0)
        client.close()
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(log().contains("coordinator stopped"))
    }
}
