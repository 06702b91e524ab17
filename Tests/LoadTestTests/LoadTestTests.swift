import Foundation
import GreenStreamTesting
import Testing

/// gs-loadtest end to end (issue 10, R-L-1): this build's `gs-loadtest` drives a real cluster from
/// cluster/local.sh with a CI-sized fleet (a few hundred meters × 24 h in a few files) and must
/// PASS, with and without --chaos; and its verifier must FAIL, naming the damage, when rows or
/// archive files are taken away behind its back. Serialized: each test runs a whole cluster on a
/// 2-core machine.
@Suite(.serialized)
struct LoadTestTests {
    static let fleet = ["--meters", "300", "--hours", "24", "--files", "4", "--timeout", "600"]
    static let chaosFleet = ["--meters", "300", "--hours", "24", "--files", "8", "--timeout", "600"]

    func decode(_ result: ChildProcessResult) throws -> LoadTestJSON {
        do {
            return try JSONDecoder().decode(LoadTestJSON.self, from: result.stdout)
        } catch {
            throw ChildProcessError(
                "gs-loadtest exited \(result.status) without its JSON (\(error)): \(result.stdoutText.prefix(2000)) "
                    + "stderr: \(result.stderrText.suffix(3000))")
        }
    }

    /// R-L-1: a CI-sized run passes; `--keep-fleet` keeps the files and names them in landing order;
    /// `--verify-only` passes again on the finished cluster and FAILS (exit 1) once readings rows of
    /// one meter are deleted and once an archive file is removed, naming the meter and the date.
    @Test func ciFleetPassesAndTheVerifierCatchesLostRowsR_L_1() throws {
        try LoadTestCluster.with(workers: 2) { cluster in
            let keep = cluster.dir.appendingPathComponent("fleet").path
            let run = try cluster.loadtest(Self.fleet + ["--json", "--keep-fleet", keep, "--copy-baseline"])
            let report = try decode(run)
            #expect(run.status == 0, "stderr: \(run.stderrText.suffix(2000))")
            #expect(report.verdict == "PASS", "mismatches: \(report.mismatches.prefix(20))")
            #expect(report.expectedHotReadings > 0)
            #expect(report.checked["readings"] == report.expectedHotReadings)
            let landed = try String(contentsOfFile: keep + "/landed.txt", encoding: .utf8).split(separator: "\n")
            #expect(landed.count == report.files)
            for name in landed { #expect(FileManager.default.fileExists(atPath: keep + "/" + name)) }

            let again = try cluster.loadtest(Self.fleet + ["--json", "--verify-only"])
            #expect(again.status == 0)
            #expect(try decode(again).verdict == "PASS")

            // Rows lost behind the verifier's back: one meter's readings.
            let meter = try cluster.query("SELECT min(meter_id) FROM readings").rows[0][0]!
            let deleted = try cluster.query("DELETE FROM readings WHERE meter_id = \(meter)")
            #expect(deleted.affectedRows > 0)
            let lost = try cluster.loadtest(Self.fleet + ["--json", "--verify-only"])
            let lostReport = try decode(lost)
            #expect(lost.status == 1)
            #expect(lostReport.verdict.hasPrefix("FAIL"))
            #expect(lostReport.mismatches.contains { $0.hasPrefix("readings: meter \(meter): no readings") },
                    "mismatches: \(lostReport.mismatches.prefix(10))")

            // An archive file lost: its date's rows no longer add up.
            let archive = cluster.dataDir + "/archive/readings"
            let date = try #require(try FileManager.default.contentsOfDirectory(atPath: archive).sorted().first)
            let part = try #require(try FileManager.default.contentsOfDirectory(atPath: archive + "/" + date).sorted().first)
            try FileManager.default.removeItem(atPath: archive + "/" + date + "/" + part)
            let text = try cluster.loadtest(Self.fleet + ["--verify-only"])
            #expect(text.status == 1)
            #expect(text.stdoutText.contains("archive: date \(date.dropFirst(5)):"), "\(text.stdoutText.suffix(3000))")
            #expect(text.stdoutText.split(separator: "\n").last?.hasPrefix("verdict: FAIL (") == true)
        }
    }

    /// R-L-1 / R-J-7: with workers killed every second, the coordinator killed once and PostgreSQL
    /// restarted once during the run, nothing is lost, nothing doubled, no job stuck.
    @Test func ciFleetPassesUnderChaosR_L_1() throws {
        try LoadTestCluster.with(workers: 2) { cluster in
            let run = try cluster.loadtest(Self.chaosFleet + ["--json", "--chaos", "--chaos-interval", "1"])
            let report = try decode(run)
            #expect(run.status == 0, "stderr: \(run.stderrText.suffix(3000))")
            #expect(report.verdict == "PASS", "mismatches: \(report.mismatches.prefix(20))")
            let faults = report.chaos ?? []
            #expect(faults.contains { $0.fault.hasPrefix("SIGKILL coordinator") })
            #expect(faults.contains { $0.fault.hasPrefix("SIGINT postgres") })
            #expect(faults.contains { $0.fault.hasPrefix("SIGKILL worker-") })
            #expect(faults.allSatisfy { $0.error.isEmpty }, "\(faults.map(\.error))")
        }
    }
}
