import Foundation
import GreenStreamCore
import GreenStreamRPC
import GreenStreamTesting
import Logging
import Testing

@testable import GreenStreamWorker

#if canImport(Glibc)
    import Glibc
#endif

/// The built `greenstream worker` binary as a real process against the stand-in coordinator.
@Suite struct WorkerProcessTests {
    @Test("greenstream worker: env configuration, token file whitespace, a job reported, SIGTERM → exit 0")
    func workerProcess() async throws {
        let coordinator = StandInCoordinator()
        let url = "ipc:///tmp/gs-worker-proc-\(getpid())-\(RPCClient.newRequestID().prefix(12)).ipc"
        let server = try RPCServer(
            listeningOn: url, options: RPCServerOptions(clusterToken: testToken), service: coordinator,
            logger: Logger(label: "server") { _ in SwiftLogNoOpLogHandler() })
        defer { server.close() }
        let tokenFile = NSTemporaryDirectory() + "gs-worker-token-\(getpid())"
        try "\n  \(testToken) \n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { unlink(tokenFile) }
        let binary = try ChildProcess.greenstreamBinary()
        let run = Task {
            await OffPoolThread.runForTests {
                try ChildProcess.run(
                    binary, ["worker"],
                    environment: [
                        "GS_COORDINATOR": url, "GS_TOKEN_FILE": tokenFile, "GS_WORKER_CONCURRENCY": "2",
                        "GS_LOG_LEVEL": "info",
                    ])
            }
        }
        let registration = try await coordinator.registrations.next("the process's registration")
        #expect(registration.maxConcurrentJobs == 2)
        // The default worker id is HOSTNAME-PID: the pid to signal.
        let pid = try #require(registration.workerID.split(separator: "-").last.flatMap { pid_t($0) })

        let lease = JobLease(jobID: 61, attempt: 1)
        let bytes = try Sample.bytes("feeder-12.csv")
        coordinator.offer(Sample.assignment(lease, name: "feeder-12.csv", bytes: bytes))
        let report = try await coordinator.reports.next("the result")
        guard case .success(let success) = report.outcome else { throw TestFailure("expected a success") }
        #expect(success.readings == (try Transformer().transform(bytes)).readings)

        #expect(kill(pid, SIGTERM) == 0)
        let result = try await run.value.get()
        #expect(result.status == 0)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.contains { $0.contains("worker ready") })
        #expect(
            lines.contains { $0.contains("result reported") && $0.contains("job_id=61") && $0.contains("attempt=1") })
        // The last line, unless closing the socket hit the bounded NNG close (docs/DECISIONS.md).
        let last = lines.last { !$0.contains("closing the connection did not finish") }
        #expect(last?.contains("worker stopped") == true, "\(lines.suffix(3))")
    }

    @Test("greenstream worker without a coordinator or token: a clear message, exit status 64")
    func workerUsageErrors() throws {
        let binary = try ChildProcess.greenstreamBinary()
        let none = try ChildProcess.run(
            binary, ["worker"], environment: ["GS_COORDINATOR": "", "GS_TOKEN": "", "GS_TOKEN_FILE": ""])
        #expect(none.status == 64 && none.stderrText.contains("no coordinator: give --coordinator or GS_COORDINATOR"))
        let noToken = try ChildProcess.run(
            binary, ["worker", "--coordinator", "tcp://127.0.0.1:1"],
            environment: ["GS_TOKEN": "", "GS_TOKEN_FILE": ""])
        #expect(noToken.status == 64 && noToken.stderrText.contains("no cluster token"))
        let help = try ChildProcess.run(binary, ["worker", "--help"])
        for option in [
            "--coordinator", "--token", "--token-file", "--concurrency", "--worker-id", "--tls-ca", "--drain-timeout",
            "--log-level",
        ] {
            #expect(help.stdoutText.contains(option), "\(option)")
        }
    }
}

extension OffPoolThread {
    /// A throwing blocking call on a thread of its own (ChildProcess.run waits for the child).
    static func runForTests<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
        await run(name: "test-child") { Result { try body() } }
    }
}
