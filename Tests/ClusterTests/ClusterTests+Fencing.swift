import Foundation
import GreenStreamArchive
import GreenStreamCore
import GreenStreamRPC
import GreenStreamTesting
import Testing

extension ClusterTests {
    @Test("R-J-4 R-J-3: a stale worker's late result is refused and changes nothing, before and after the retry succeeds")
    func staleWorkerLateResultRefused() async throws {
        // No real workers at first: the test itself is the worker that goes silent.
        try await Self.withCluster(workers: 0, environment: ["GS_HEARTBEAT_TIMEOUT": "1"]) { cluster in
            let bytes = MeterCSV.clean(meters: 1...3, slots: 8)
            try cluster.land("late.csv", bytes)
            let token = try String(contentsOfFile: cluster.tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            // While the RPC client is open the test starts no child process (gsctl, local.sh, python):
            // Foundation's Process.run crashed (memcpy in run()) with NNG's threads up in this process.
            // Job states come from PostgreSQL meanwhile.
            let (late, expected) = try await Self.withWorkerClient(cluster, token) { client in
                _ = try await client.registerWorker(
                    RegisterWorkerRequest(
                        workerID: "stale-worker", hostname: "test", softwareVersion: "test", maxConcurrentJobs: 1))
                var assignment: JobAssignment?
                let deadline = Date().addingTimeInterval(60)
                while assignment == nil, Date() < deadline {
                    assignment = try await client.leaseJob(LeaseJobRequest(workerID: "stale-worker", waitMs: 2000)).assignment
                }
                let leased = try #require(assignment, "no job leased to the test's worker within 60 s")
                #expect(leased.job.attempt == 1)
                #expect(leased.fileName == "late.csv")

                // A genuine result, except that every value is off by 1000 kW: accepted, it would show.
                let output = try Transformer().transform(leased.content.isEmpty ? bytes : leased.content)
                var readings = output.readings
                readings.kw = readings.kw.map { $0 + 1000 }
                let files = try ArchiveFile.encode(
                    lease: leased.job, batch: readings,
                    source: try ArchiveSource(fileName: leased.fileName, sha256: leased.fileSHA256))
                let late = ReportResultRequest(
                    workerID: "stale-worker", job: leased.job,
                    outcome: .success(
                        JobSuccess(
                            counts: RowCounts(
                                rowsRead: output.dataRowCount, measuredRows: output.measuredCount,
                                interpolatedRows: output.interpolatedRowCount, rejectedRows: output.rejects.count,
                                synthesisedSlots: output.interpolatedCount - output.interpolatedRowCount),
                            rejectCounts: output.rejectCounts, rejects: output.rejects, readings: readings,
                            archiveFiles: files.map { ArchiveFilePart(utcDate: $0.date.description, parquet: $0.bytes) })))

                // No heartbeat: the attempt lapses after the 1 s timeout.
                var state = "running"
                try Wait.until("the attempt of late.csv lost (no heartbeats)", timeout: 60, detail: { "state \(state)" }) {
                    state = try cluster.query("SELECT state::text AS s FROM jobs WHERE file_name = 'late.csv'")
                        .row(0).string("s")
                    return state != "running"
                }
                #expect(state == "retrying" || state == "pending", "after the lapse: \(state)")
                try await Self.expectRefused(client, late)
                #expect(try cluster.count("SELECT count(*) FROM readings") == 0)
                #expect(cluster.archiveFiles().isEmpty)
                let after = try cluster.query("SELECT state::text AS s FROM jobs WHERE file_name = 'late.csv'").row(0)
                #expect(try after.string("s") != "succeeded")
                return (late, output.readings.count)
            }

            // A real worker runs attempt 2; the late attempt-1 result is still refused afterwards.
            try cluster.up(workers: 1)
            let done = try cluster.waitForJob(file: "late.csv", "succeeded on worker-1") { $0.isTerminal }
            #expect(done.state == "succeeded", "\(done.brief)")
            #expect(done.attempts == 2)
            try cluster.waitForZones("late.csv processed") { cluster.names(in: cluster.processed) == ["\(done.jobID)-late.csv"] }
            try await Self.withWorkerClient(cluster, token) { client in try await Self.expectRefused(client, late) }
            #expect(try cluster.count("SELECT count(*) FROM readings") == Int64(expected))
            #expect(try cluster.count("SELECT count(*) FROM readings WHERE kw >= 1000") == 0)
            let archived = try ArchiveReader.rows(under: cluster.archive).values.joined()
            #expect(archived.count == expected)
            #expect(archived.allSatisfy { Double($0.split(separator: ",")[2])! < 1000 })
        }
    }

    /// Runs `body` with an RPC client posing as the worker `stale-worker`, closed afterwards.
    static func withWorkerClient<T>(
        _ cluster: LocalCluster, _ token: String, _ body: (RPCClient) async throws -> T
    ) async throws -> T {
        let client = try RPCClient(dialing: cluster.coordinator, clusterToken: token, clientID: "stale-worker")
        do {
            let value = try await body(client)
            client.close()
            return value
        } catch {
            client.close()
            throw error
        }
    }

    static func expectRefused(_ client: RPCClient, _ late: ReportResultRequest) async throws {
        do {
            let reply = try await client.reportResultInParts(late)
            Issue.record("a late result for \(late.job) was accepted: job state \(reply.jobState)")
        } catch let error as RPCError {
            #expect(error.code == .staleAttempt, "refused as stale: \(error)")
        }
    }
}
