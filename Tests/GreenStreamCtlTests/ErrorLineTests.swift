import Foundation
import GreenStreamCore
@testable import GreenStreamCtl
import GreenStreamRPC
import NNG
import Testing

/// gsctl against a real RPC server (ipc://) running an admin stub: the error lines of R-O-3 and
/// the calls behind each command.
@Suite struct ErrorLineTests {
    @Test("R-O-3 a coordinator that does not answer: 'no answer from … within 1 s', exit 1")
    func noServer() async throws {
        let url = "ipc:///tmp/gs-ctl-nobody-\(getpid())-\(RPCClient.newRequestID().prefix(8)).ipc"
        let output = await Gsctl.invoke(
            ["stats", "--timeout", "1"], environment: ["GS_COORDINATOR": url, "GS_TOKEN": "t"])
        #expect(output == .failure("no answer from \(url) within 1 s"))
        #expect(output.stderr == "gsctl: no answer from \(url) within 1 s\n")
    }

    @Test("R-O-3 default timeout is 5 s and is named in the line")
    func defaultTimeoutNamed() async throws {
        let url = "ipc:///tmp/gs-ctl-nobody-\(getpid())-\(RPCClient.newRequestID().prefix(8)).ipc"
        let output = await Ctl.execute(.stats(json: false), settings: CtlSettings(coordinator: url, token: "t"))
        #expect(output.stderr == "gsctl: no answer from \(url) within 5 s\n" && output.exitCode == 1)
    }

    @Test("R-R-3 R-O-3 a wrong token: 'the coordinator refused the token (UNAUTHENTICATED)', exit 1")
    func wrongToken() async throws {
        let stub = try StubServer()
        defer { stub.server.close() }
        let output = await Gsctl.invoke(
            ["jobs", "list"], environment: ["GS_COORDINATOR": stub.server.url, "GS_TOKEN": "wrong"])
        #expect(output == .failure("the coordinator refused the token (UNAUTHENTICATED)"))
    }

    @Test("R-O-2 connection options may come before the command as well as after it")
    func connectionOptionsFirst() async throws {
        let stub = try StubServer()
        defer { stub.server.close() }
        let first = await Gsctl.invoke(
            ["--coordinator", stub.server.url, "--token=wrong", "jobs", "show", "7"], environment: [:])
        #expect(first == .failure("the coordinator refused the token (UNAUTHENTICATED)"))
        let last = await Gsctl.invoke(
            ["jobs", "show", "7", "--coordinator", stub.server.url, "--token", "wrong"], environment: [:])
        #expect(last == first)
        #expect(
            Gsctl.connectionOptionsLast(["--timeout", "2", "--coordinator=tcp://h:1", "stats", "--json"])
                == ["stats", "--json", "--timeout", "2", "--coordinator=tcp://h:1"])
        #expect(Gsctl.connectionOptionsLast(["--json", "--timeout", "2"]) == ["--json", "--timeout", "2"])
    }

    @Test("R-O-3 an unknown job: 'no job 42', exit 1")
    func unknownJob() async throws {
        let stub = try StubServer()
        defer { stub.server.close() }
        #expect(await Gsctl.invoke(["jobs", "show", "42"], environment: stub.environment) == .failure("no job 42"))
        #expect(
            await Gsctl.invoke(["jobs", "show", "7"], environment: stub.environment).stdout.hasPrefix(
                "job 7: quarantined\n"))
    }

    @Test("A refused retry passes the coordinator's reason on, with its code")
    func refusedRetry() async throws {
        let stub = try StubServer()
        defer { stub.server.close() }
        let output = await Gsctl.invoke(["jobs", "retry", "99"], environment: stub.environment)
        #expect(output == .failure("job 99 is running, not quarantined (FAILED_PRECONDITION)"))
        let bulk = await Gsctl.invoke(
            ["jobs", "retry", "--state", "quarantined", "--reason", "worker_lost", "--json"],
            environment: stub.environment)
        #expect(bulk == CtlOutput(stdout: "{\"retried\":[3,5]}\n"))
        #expect(
            stub.stub.retryRequests.withLock { $0 }.last == RetryJobsRequest(state: .quarantined, error: "worker_lost"))
    }

    @Test("jobs list pages by key until --limit, newest first, and says on stderr when more exist")
    func listPagesUntilTheLimit() async throws {
        let stub = try StubServer(AdminStub(jobCount: 2_500))
        defer { stub.server.close() }
        let all = await Gsctl.invoke(["jobs", "list", "--json"], environment: stub.environment)
        #expect(all.exitCode == 0 && all.stderr.isEmpty)
        let ids = try (JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as! [[String: Any]]).map {
            $0["job_id"] as! Int
        }
        #expect(ids == Array((1...2_500).reversed()))
        #expect(stub.stub.listRequests.withLock { $0 }.map(\.beforeJobID) == [0, 1501, 501])

        let some = await Gsctl.invoke(
            ["jobs", "list", "--limit", "1200", "--state", "succeeded"], environment: stub.environment)
        #expect(some.exitCode == 0 && some.stdout.split(separator: "\n").count == 1 + 1200)
        #expect(some.stderr == "gsctl: showing the newest 1200 jobs; more exist (raise --limit)\n")
        #expect(stub.stub.listRequests.withLock { $0 }.suffix(2).map(\.state) == [.succeeded, .succeeded])
    }

    @Test("ingest sends each file's bytes under its base name; one above the limit is refused before anything is sent")
    func ingest() async throws {
        let stub = try StubServer()
        defer { stub.server.close() }
        let dir = NSTemporaryDirectory() + "gs-ctl-ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "MeterID,Timestamp,ReadingValue,Unit\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        let big = dir + "/big.csv"
        FileManager.default.createFile(atPath: big, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: UInt64(Ctl.maxIngestBytes + 1))  // sparse: costs no disk
        try handle.close()

        let refused = await Gsctl.invoke(["ingest", dir + "/a.csv", big], environment: stub.environment)
        #expect(
            refused
                == .failure(
                    "\(big) is \(Ctl.maxIngestBytes + 1) bytes, more than the \(Ctl.maxIngestBytes) bytes one request "
                        + "can carry; copy it into the landing zone instead"
                ))
        #expect(stub.stub.ingested.withLock { $0 }.isEmpty, "nothing was sent")

        let sent = await Gsctl.invoke(["ingest", dir + "/a.csv", "--json"], environment: stub.environment)
        #expect(sent == CtlOutput(stdout: "[{\"file\":\"a.csv\",\"job_id\":136,\"state\":\"pending\"}]\n"))
        #expect(stub.stub.ingested.withLock { $0 }.map(\.fileName) == ["a.csv"])
        #expect(
            await Gsctl.invoke(["ingest", dir + "/missing.csv"], environment: stub.environment)
                == .failure("cannot read \(dir)/missing.csv: no such file"))
    }

    @Test func statsAndPeakAndWorkersReachTheCoordinator() async throws {
        let stub = try StubServer()
        defer { stub.server.close() }
        let stats = await Gsctl.invoke(["stats"], environment: stub.environment).stdout
        #expect(stats.hasPrefix("jobs      5 (pending 0"))
        // Issue 12: the hot store's extent travels from the coordinator to the table and the JSON.
        #expect(
            stats.contains("hot store 2026-11-30 … 2026-12-01, ~96 readings, 1.23 GB on disk, retention 2 days\n"))
        #expect(
            await Gsctl.invoke(["stats", "--json"], environment: stub.environment).stdout.contains(
                #""hot_store":{"oldest_day":"2026-11-30","newest_day":"2026-12-01","rows_estimated":96,"#
                    + #""bytes":1230000000,"retention_days":2}"#))
        #expect(
            await Gsctl.invoke(["peak", "--day", "2024-06-01"], environment: stub.environment).stdout
                == "peak hours of 2024-06-01 (grid time zone UTC)\nno readings that day\n")
        #expect(
            await Gsctl.invoke(["workers", "list"], environment: stub.environment).stdout == "no workers registered\n")
    }
}
