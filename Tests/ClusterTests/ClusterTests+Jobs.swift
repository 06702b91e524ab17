import Foundation
import GreenStreamTesting
import Testing

extension ClusterTests {
    @Test("R-IN-3 R-J-5: a permanent failure is quarantined at once, beside its JSON record")
    func permanentFailureQuarantinedAtOnce() throws {
        try Self.withCluster(workers: 2) { cluster in
            try cluster.land("no-unit.csv", MeterCSV.missingUnit)
            let job = try cluster.waitForJob(file: "no-unit.csv", "terminal") { $0.isTerminal }
            #expect(job.state == "quarantined", "\(job.brief)")
            #expect(job.error == "missing_column:unit")
            #expect(job.attempts == 1, "no retries for a permanent failure")
            try cluster.waitForZones("no-unit.csv and its record in quarantine/") {
                cluster.names(in: cluster.quarantine).contains("\(job.jobID)-no-unit.csv.json")
            }
            let record = try Self.quarantineRecord(cluster, job)
            #expect(record["reason"] as? String == "missing_column:unit")
            #expect(record["attempts"] as? Int == 1)
            let kept = try Data(contentsOf: cluster.quarantine.appendingPathComponent("\(job.jobID)-no-unit.csv"))
            #expect(Array(kept) == MeterCSV.missingUnit, "the raw file is kept as it landed")
            #expect(cluster.names(in: cluster.landing).isEmpty)
            #expect(cluster.names(in: cluster.processed).isEmpty)
            #expect(try cluster.count("SELECT count(*) FROM readings") == 0)
            #expect(cluster.archiveFiles().isEmpty)
        }
    }

    @Test("R-J-2 R-O-2: an identical re-upload through gsctl ingest becomes duplicate and stores nothing twice")
    func identicalReuploadIsDuplicate() throws {
        try Self.withCluster(workers: 2) { cluster in
            let bytes = MeterCSV.clean(meters: 1...20, slots: 96)
            let work = try Self.tempDir()
            defer { try? FileManager.default.removeItem(at: work) }
            let original = work.appendingPathComponent("export.csv")
            let copy = work.appendingPathComponent("export-resent.csv")
            try Data(bytes).write(to: original)
            try Data(bytes).write(to: copy)

            let first = try cluster.gsctl(["ingest", original.path])
            try #require(first.status == 0, "gsctl ingest: \(first.stderrText)")
            let done = try cluster.waitForJob(file: "export.csv", "succeeded") { $0.isTerminal }
            #expect(done.state == "succeeded", "\(done.brief)")
            let second = try cluster.gsctl(["ingest", copy.path])
            try #require(second.status == 0, "gsctl ingest: \(second.stderrText)")
            let dup = try cluster.waitForJob(file: "export-resent.csv", "terminal") { $0.isTerminal }
            #expect(dup.state == "duplicate", "\(dup.brief)")
            #expect(dup.jobID > done.jobID)
            try cluster.waitForZones("both raw files processed") { cluster.names(in: cluster.processed).count == 2 }

            #expect(try cluster.count("SELECT count(*) FROM readings") == 20 * 96)
            #expect(try cluster.count("SELECT count(*) FROM readings WHERE job_id = $1", [.int(dup.jobID)]) == 0)
            #expect(cluster.archiveFiles() == ["readings/date=2024-06-01/part-\(done.jobID).parquet"])
            #expect(cluster.names(in: cluster.processed) == ["\(done.jobID)-export.csv", "\(dup.jobID)-export-resent.csv"].sorted())
            #expect(cluster.names(in: cluster.landing).isEmpty)
        }
    }

    @Test("R-R-3 R-O-3: a wrong token is refused with one line and exit 1, and logged; the token file's whitespace is not part of it")
    func wrongTokenRefused() throws {
        try Self.withCluster(workers: 0) { cluster in
            let token = try String(contentsOfFile: cluster.tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let wrong = cluster.dir.appendingPathComponent("wrong-token")
            try "not-\(token)\n".write(to: wrong, atomically: true, encoding: .utf8)
            let refused = try cluster.gsctl(["stats"], environment: ["GS_TOKEN_FILE": wrong.path])
            #expect(refused.status == 1)
            #expect(refused.stdout.isEmpty)
            let lines = refused.stderrText.split(separator: "\n")
            #expect(lines.count == 1, "one line: \(refused.stderrText)")
            #expect(refused.stderrText.lowercased().contains("token"), "says what is wrong: \(refused.stderrText)")
            try Wait.until("the coordinator to log the refused request", timeout: 30) {
                cluster.log("coordinator").contains("wrong cluster token")
            }
            let listed = try cluster.gsctl(["jobs", "list", "--json"], environment: ["GS_TOKEN_FILE": wrong.path])
            #expect(listed.status == 1)

            let padded = cluster.dir.appendingPathComponent("padded-token")
            try "\n  \(token) \t\n\n".write(to: padded, atomically: true, encoding: .utf8)
            let accepted = try cluster.gsctl(["stats"], environment: ["GS_TOKEN_FILE": padded.path])
            #expect(accepted.status == 0, "\(accepted.stderrText)")
        }
    }

    @Test("R-J-1 R-J-7: a file landed while the coordinator is down is picked up when it returns; temp names stay ignored")
    func landedWhileCoordinatorDown() throws {
        try Self.withCluster(workers: 1) { cluster in
            let pid = try cluster.pid("coordinator")
            kill(pid, SIGTERM)
            try Wait.until("the coordinator to stop on SIGTERM", timeout: 60) { !LocalCluster.isAlive(pid) }
            try cluster.land("while-down.csv", MeterCSV.clean(meters: 1...10, slots: 96))
            try Data("meter_id,timestamp,reading_value,unit\n".utf8)
                .write(to: cluster.landing.appendingPathComponent("half-written.csv.part"))
            try Data("meter_id,timestamp,reading_value,unit\n".utf8)
                .write(to: cluster.landing.appendingPathComponent("spool.tmp"))

            try cluster.up(workers: 1)
            let job = try cluster.waitForJob(file: "while-down.csv", "succeeded") { $0.isTerminal }
            #expect(job.state == "succeeded", "\(job.brief)")
            #expect(job.rowsStored == 960)
            #expect(try cluster.count("SELECT count(*) FROM readings") == 960)
            #expect(try cluster.jobs().count == 1, "temp names make no job")
            #expect(cluster.names(in: cluster.landing) == ["half-written.csv.part", "spool.tmp"])
        }
    }
}
