import Foundation
import GreenStreamRPC
import GreenStreamTesting
import Testing

/// The built `gsctl` binary as a real process: its streams and exit status (R-O-3).
@Suite struct GsctlProcessTests {
    @Test("gsctl with no coordinator answering: exactly one line on stderr, nothing on stdout, exit 1")
    func noAnswerIsOneLine() throws {
        let url = "ipc:///tmp/gs-ctl-nobody-\(getpid())-\(RPCClient.newRequestID().prefix(8)).ipc"
        let result = try ChildProcess.run(
            try ChildProcess.builtBinary("gsctl"), ["jobs", "list", "--json", "--timeout", "1"],
            environment: ["GS_COORDINATOR": url, "GS_TOKEN": "t", "GS_TOKEN_FILE": ""])
        #expect(result.status == 1)
        #expect(result.stdoutText.isEmpty)
        #expect(result.stderrText == "gsctl: no answer from \(url) within 1 s\n")
    }

    @Test("gsctl against a real server: JSON on stdout, exit 0")
    func jsonOnStdout() async throws {
        let stub = try StubServer(AdminStub(jobCount: 3))
        defer { stub.server.close() }
        // Off the task pool: the stub server answers on it (ChildProcess.runOffPool says why).
        let result = try await ChildProcess.runOffPool(
            try ChildProcess.builtBinary("gsctl"), ["jobs", "list", "--json"],
            environment: stub.environment.merging(["GS_TOKEN_FILE": ""]) { _, b in b })
        #expect(result.status == 0 && result.stderrText.isEmpty, "\(result.stderrText)")
        let jobs = try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]]
        #expect(jobs?.map { $0["job_id"] as? Int } == [3, 2, 1])
    }
}
