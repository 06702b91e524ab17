import Foundation
import GreenStreamArchive
import GreenStreamCore
import GreenStreamRPC
import Testing

@testable import GreenStreamWorker
import GreenStreamTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The worker against a real RPC server (ipc://) and a stand-in coordinator.
@Suite("Worker against a stand-in coordinator (R-R-2)")
struct WorkerTests {
    /// The success a correct worker reports for `bytes`: Transformer's output and the archive files.
    static func expectedSuccess(_ bytes: [UInt8], lease: JobLease, name: String, settings: TransformSettings = .init())
        throws -> JobSuccess
    {
        let output = try Transformer(config: try settings.transformConfig()).transform(bytes)
        let source = try ArchiveSource(fileName: name, sha256: String(repeating: "ab", count: 32))
        return JobRunner.success(
            output, files: try ArchiveFile.encode(lease: lease, batch: output.readings, source: source))
    }

    static func success(_ report: ReportResultRequest) throws -> JobSuccess {
        guard case .success(let s) = report.outcome else {
            throw TestFailure("expected a success, got \(report.outcome)")
        }
        return s
    }

    @Test("R-R-2 a leased sample file is reported with exactly Transformer's readings and rejects; logs name the job")
    func reportsWhatTransformerGives() async throws {
        let harness = try WorkerHarness()
        let lease = JobLease(jobID: 7, attempt: 2)
        let bytes = try Sample.bytes("feeder-12.csv")
        let settings = TransformSettings(maxKW: 50, maxGapSeconds: 3600, peakStartHour: 0, peakEndHour: 6)
        harness.coordinator.offer(Sample.assignment(lease, name: "feeder-12.csv", bytes: bytes, settings: settings))
        let report = try await harness.coordinator.reports.next("the result")
        #expect(try await harness.stop() == 0)

        let got = try Self.success(report)
        let want = try Self.expectedSuccess(bytes, lease: lease, name: "feeder-12.csv", settings: settings)
        #expect(report.job == lease && report.workerID == "test-worker")
        #expect(got.readings == want.readings)
        #expect(got.rejects == want.rejects)
        #expect(got.rejectCounts == want.rejectCounts)
        #expect(got.counts == want.counts)
        #expect(got.archiveFiles == want.archiveFiles)
        #expect(!got.readings.isEmpty && !got.rejects.isEmpty, "the sample has readings and rejects")
        #expect(harness.logLines(containing: "worker ready").count == 1)
        #expect(
            harness.logLines(containing: "job leased").contains { $0.contains("attempt=2") && $0.contains("job_id=7") })
        #expect(harness.logLines(containing: "result reported").contains { $0.contains("job_id=7") })
        #expect(harness.logLines(containing: "worker stopped").count == 1)
    }

    @Test("R-IN-3 a file without a unit column is a permanent failure with reason missing_column:unit")
    func missingColumnIsPermanent() async throws {
        let harness = try WorkerHarness()
        let lease = JobLease(jobID: 3, attempt: 1)
        let bytes = Array("meter_id,timestamp,reading_value\n1,2024-01-01T00:00:00Z,1.5\n".utf8)
        harness.coordinator.offer(Sample.assignment(lease, name: "no-unit.csv", bytes: bytes))
        let report = try await harness.coordinator.reports.next("the failure")
        #expect(try await harness.stop() == 0)
        #expect(
            report.outcome
                == .failure(JobFailure(kind: .permanent, reason: "missing_column:unit", message: "missing_column:unit"))
        )
    }

    @Test("R-IN-3 a file over the job's size limit is too_large, inline or read from the shared volume")
    func tooLargeIsPermanent() async throws {
        let harness = try WorkerHarness()
        let bytes = try Sample.bytes("feeder-12.csv")
        let path = NSTemporaryDirectory() + "gs-worker-large-\(getpid()).csv"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { unlink(path) }
        let small = TransformSettings(maxFileBytes: 100)
        harness.coordinator.offer(
            Sample.assignment(JobLease(jobID: 1, attempt: 1), name: "a.csv", bytes: bytes, settings: small))
        harness.coordinator.offer(
            Sample.assignment(JobLease(jobID: 2, attempt: 1), name: "b.csv", sourcePath: path, settings: small))
        let first = try await harness.coordinator.reports.next("job 1")
        let second = try await harness.coordinator.reports.next("job 2")
        #expect(try await harness.stop() == 0)
        let tooLarge = ReportResultRequest.Outcome.failure(JobFailure(.tooLarge))
        #expect(first.outcome == tooLarge && second.outcome == tooLarge)
    }

    @Test("R-J-3 bad settings and an unreadable source path are retryable failures, and the worker carries on")
    func retryableFailuresDoNotStopTheWorker() async throws {
        let harness = try WorkerHarness()
        harness.coordinator.offer(
            Sample.assignment(
                JobLease(jobID: 1, attempt: 1), name: "a.csv", bytes: Array("x\n".utf8),
                settings: TransformSettings(sourceTimeZone: "Mars/Olympus")))
        harness.coordinator.offer(
            Sample.assignment(JobLease(jobID: 2, attempt: 1), name: "b.csv", sourcePath: "/nonexistent/b.csv"))
        let bytes = try Sample.bytes("evening-peak.csv")
        harness.coordinator.offer(Sample.assignment(JobLease(jobID: 3, attempt: 1), name: "c.csv", bytes: bytes))
        let first = try await harness.coordinator.reports.next("job 1")
        let second = try await harness.coordinator.reports.next("job 2")
        let third = try await harness.coordinator.reports.next("job 3")
        #expect(try await harness.stop() == 0)
        guard case .failure(let f1) = first.outcome, case .failure(let f2) = second.outcome else {
            throw TestFailure("jobs 1 and 2 should fail")
        }
        #expect(f1.kind == .retryable && f1.reason == "bad_settings" && f1.message.contains("Mars/Olympus"))
        #expect(f2.kind == .retryable && f2.reason == "read_failed" && f2.message.contains("No such file"))
        #expect(
            try Self.success(third).readings == Self.expectedSuccess(bytes, lease: third.job, name: "c.csv").readings)
    }

    @Test("R-R-4 a result larger than the coordinator's limit goes in parts that reassemble to Transformer's output")
    func largeResultInParts() async throws {
        let harness = try WorkerHarness(coordinator: StandInCoordinator(maxRequestBytes: 64 << 10))
        let lease = JobLease(jobID: 11, attempt: 1)
        let bytes = Sample.fleet(meters: 20, slots: 400)
        harness.coordinator.offer(Sample.assignment(lease, name: "fleet.csv", bytes: bytes))
        let report = try await harness.coordinator.reports.next("the reassembled result")
        #expect(try await harness.stop() == 0)
        let got = try Self.success(report)
        let want = try Self.expectedSuccess(bytes, lease: lease, name: "fleet.csv")
        #expect(got.readings == want.readings && got.rejects == want.rejects && got.counts == want.counts)
        #expect(got.archiveFiles == want.archiveFiles)
        #expect(harness.logLines(containing: "job done").contains { !$0.contains("parts=1 ") && $0.contains("parts=") })
    }

    @Test("R-J-4 heartbeats name the running attempt while its thread is blocked reading the file")
    func heartbeatsNameTheRunningAttempt() async throws {
        let fifo = try FIFO()
        let harness = try WorkerHarness()
        let lease = JobLease(jobID: 5, attempt: 3)
        harness.coordinator.offer(Sample.assignment(lease, name: "slow.csv", sourcePath: fifo.path))
        // The job's thread now blocks opening the FIFO; heartbeats keep naming it.
        for _ in 0..<3 {
            _ = try await harness.coordinator.heartbeats.first("a heartbeat naming job 5 attempt 3") {
                $0.inFlight.contains { $0.job == lease && $0.stage == .reading } && $0.workerID == "test-worker"
            }
        }
        let bytes = try Sample.bytes("feeder-12.csv")
        try await fifo.write(bytes)
        let report = try await harness.coordinator.reports.next("the result")
        #expect(try await harness.stop() == 0)
        #expect(
            try Self.success(report).readings == Self.expectedSuccess(bytes, lease: lease, name: "slow.csv").readings)
    }

    @Test("R-J-4 an attempt cancelled in a heartbeat reply is never reported; the worker goes on to the next job")
    func cancelStopsTheReport() async throws {
        let fifo = try FIFO()
        let harness = try WorkerHarness()
        let cancelled = JobLease(jobID: 8, attempt: 1)
        harness.coordinator.cancel(cancelled)
        harness.coordinator.offer(Sample.assignment(cancelled, name: "gone.csv", sourcePath: fifo.path))
        _ = try await harness.coordinator.heartbeats.first("a heartbeat naming job 8") {
            $0.inFlight.contains { $0.job == cancelled }
        }
        // Once the cancel is taken, heartbeats stop naming the attempt.
        _ = try await harness.coordinator.heartbeats.first("a heartbeat without job 8") {
            !$0.inFlight.contains { $0.job == cancelled }
        }
        try await fifo.write(try Sample.bytes("feeder-12.csv"))
        let next = JobLease(jobID: 9, attempt: 1)
        harness.coordinator.offer(
            Sample.assignment(next, name: "next.csv", bytes: try Sample.bytes("evening-peak.csv")))
        let report = try await harness.coordinator.reports.next("job 9's result")
        #expect(try await harness.stop() == 0)
        #expect(report.job == next)
        #expect(harness.coordinator.reportsReceived.map(\.job) == [next])
        #expect(harness.logLines(containing: "result dropped").contains { $0.contains("job_id=8") })
    }

    @Test("--concurrency 2 runs two jobs at once: both results arrive while neither is answered")
    func concurrencyTwo() async throws {
        let harness = try WorkerHarness(concurrency: 2)
        harness.coordinator.holdReports(true)
        let bytes = try Sample.bytes("feeder-12.csv")
        let a = JobLease(jobID: 21, attempt: 1)
        let b = JobLease(jobID: 22, attempt: 1)
        harness.coordinator.offer(Sample.assignment(a, name: "a.csv", bytes: bytes))
        harness.coordinator.offer(Sample.assignment(b, name: "b.csv", bytes: bytes))
        let held = [
            try await harness.coordinator.heldReports.next("the first held result"),
            try await harness.coordinator.heldReports.next("the second held result"),
        ]
        #expect(Set(held) == [a, b])
        let heartbeat = try await harness.coordinator.heartbeats.first("a heartbeat naming both") {
            $0.inFlight.count == 2
        }
        #expect(Set(heartbeat.inFlight.map(\.job)) == [a, b])
        harness.coordinator.releaseReport()
        harness.coordinator.releaseReport()
        _ = try await harness.coordinator.reports.next("a result")
        _ = try await harness.coordinator.reports.next("the other result")
        #expect(try await harness.stop() == 0)
    }

    @Test("With concurrency 1 the second job is not leased while the first is being reported")
    func concurrencyOneHoldsTheSecondJob() async throws {
        let harness = try WorkerHarness(concurrency: 1)
        harness.coordinator.holdReports(true)
        let bytes = try Sample.bytes("feeder-12.csv")
        harness.coordinator.offer(Sample.assignment(JobLease(jobID: 31, attempt: 1), name: "a.csv", bytes: bytes))
        harness.coordinator.offer(Sample.assignment(JobLease(jobID: 32, attempt: 1), name: "b.csv", bytes: bytes))
        #expect(try await harness.coordinator.heldReports.next("the first result") == JobLease(jobID: 31, attempt: 1))
        let polls = harness.coordinator.polls
        // Heartbeats queued while idle name nothing: skip to the first that names job 31.
        _ = try await harness.coordinator.heartbeats.first("a heartbeat naming job 31") { !$0.inFlight.isEmpty }
        // Two heartbeats later the worker still names only job 31 and has not polled again.
        while await polls.take(timeout: .zero) != nil {}
        for _ in 0..<2 {
            let hb = try await harness.coordinator.heartbeats.next("a heartbeat")
            #expect(hb.inFlight.map(\.job) == [JobLease(jobID: 31, attempt: 1)])
        }
        #expect(await polls.take(timeout: .zero) == nil, "no poll while the only slot is taken")
        harness.coordinator.releaseReport()
        #expect(try await harness.coordinator.heldReports.next("the second result") == JobLease(jobID: 32, attempt: 1))
        harness.coordinator.releaseReport()
        #expect(try await harness.stop() == 0)
    }

    @Test("SIGTERM while a job runs: past the drain bound it is handed back as worker_shutdown, exit 0")
    func shutdownHandsBackAStuckJob() async throws {
        let fifo = try FIFO()
        let harness = try WorkerHarness(drainTimeout: .milliseconds(100))
        let lease = JobLease(jobID: 40, attempt: 2)
        harness.coordinator.offer(Sample.assignment(lease, name: "stuck.csv", sourcePath: fifo.path))
        _ = try await harness.coordinator.heartbeats.first("a heartbeat naming job 40") {
            $0.inFlight.contains { $0.job == lease }
        }
        harness.worker.shutdown()
        let report = try await harness.coordinator.reports.next("the hand-back")
        #expect(try await harness.run.value == 0)
        harness.server.close()
        guard case .failure(let failure) = report.outcome else { throw TestFailure("expected a failure") }
        #expect(report.job == lease && failure.kind == .retryable && failure.reason == "worker_shutdown")
        try await fifo.write([])  // lets the abandoned job thread finish
    }

    @Test("The worker registers again and keeps working when the coordinator restarts")
    func survivesCoordinatorRestart() async throws {
        let harness = try WorkerHarness()
        _ = try await harness.coordinator.registrations.next("the first registration")
        _ = try await harness.coordinator.polls.next("the first poll")
        harness.server.close()
        let second = StandInCoordinator()
        let restarted = try RPCServer(
            listeningOn: harness.url, options: RPCServerOptions(clusterToken: testToken), service: second,
            logger: .init(label: "restarted"))
        _ = try await second.registrations.next("a registration with the restarted coordinator")
        let lease = JobLease(jobID: 50, attempt: 1)
        second.offer(Sample.assignment(lease, name: "after.csv", bytes: try Sample.bytes("feeder-12.csv")))
        let report = try await second.reports.next("the result after the restart")
        harness.worker.shutdown()
        #expect(try await harness.run.value == 0)
        restarted.close()
        #expect(report.job == lease)
        #expect(harness.logLines(containing: "worker registered again").count >= 1)
    }

    @Test("R-R-3 a refused token stops the worker with status 1 and says why")
    func refusedToken() async throws {
        let url = "ipc:///tmp/gs-worker-test-\(getpid())-\(RPCClient.newRequestID().prefix(12)).ipc"
        let server = try RPCServer(
            listeningOn: url, options: RPCServerOptions(clusterToken: "another-token"),
            service: StandInCoordinator(), logger: .init(label: "server"))
        defer { server.close() }
        let logs = Shared([String]())
        let worker = Worker(
            configuration: WorkerConfiguration(coordinator: url, token: testToken, workerID: "w"),
            logger: CapturedLogs.logger(into: logs))
        #expect(try await worker.run() == 1)
        #expect(logs.withLock { $0 }.contains { $0.contains("worker stopped") && $0.contains("UNAUTHENTICATED") })
    }
}

/// A named pipe: a job reading it blocks until the test writes, which holds the job in its
/// reading stage for exactly as long as the test needs, without timing.
struct FIFO {
    let path = "/tmp/gs-worker-fifo-\(getpid())-\(RPCClient.newRequestID().prefix(12))"

    init() throws {
        guard mkfifo(path, 0o600) == 0 else { throw TestFailure("mkfifo \(path) failed") }
    }

    /// Writes `bytes` and closes, on a thread of its own (opening blocks until the reader is there).
    func write(_ bytes: [UInt8]) async throws {
        let path = path
        let ok = await OffPoolThread.run(name: "fifo-writer") { () -> Bool in
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        unlink(path)
        guard ok else { throw TestFailure("writing the FIFO failed") }
    }
}
