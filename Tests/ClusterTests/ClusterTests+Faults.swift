import Foundation
import GreenStreamTesting
import Testing

extension ClusterTests {
    /// Large enough that a debug-built worker is still busy with it when the test, having seen
    /// the job running, kills that worker: 60 meters × 10 days of quarter hours (57 600 readings).
    static let slowMeters: ClosedRange<Int64> = 1...60
    static let slowSlots = 960
    static var slowRows: Int { slowMeters.count * slowSlots }
    static let slowDates = (1...10).map { "date=2024-06-\($0 < 10 ? "0\($0)" : "\($0)")" }

    @Test("R-J-3 R-H-3: a worker killed with SIGKILL mid-job; the job completes on another worker, exactly once")
    func workerKilledMidJob() throws {
        try Self.withCluster(workers: 2, environment: ["GS_HEARTBEAT_TIMEOUT": "2"]) { cluster in
            try cluster.land("big.csv", MeterCSV.clean(meters: Self.slowMeters, slots: Self.slowSlots))
            let running = try cluster.waitForJob(file: "big.csv", "running on a worker") {
                $0.state == "running" && $0.worker != nil
            }
            let victim = try #require(running.worker)
            try #require(victim.hasPrefix("worker-"), "local.sh names workers worker-N; got \(victim)")
            try cluster.kill9(victim)

            let done = try cluster.waitForJob(file: "big.csv", "terminal after its worker was killed") { $0.isTerminal }
            #expect(done.state == "succeeded", "\(done.brief)")
            #expect(done.attempts >= 2, "the killed attempt counts: \(done.brief)")
            #expect(done.worker != victim)
            #expect(done.rowsStored == Self.slowRows)
            // Exactly once: every reading stored once, by this job; one succeeded attempt.
            #expect(try cluster.count("SELECT count(*) FROM readings") == Int64(Self.slowRows))
            #expect(try cluster.count("SELECT count(*) FROM readings WHERE job_id = $1", [.int(done.jobID)]) == Int64(Self.slowRows))
            #expect(try cluster.count("SELECT coalesce(sum(readings), 0) FROM meter_hourly") == Int64(Self.slowRows))
            let attempts = try cluster.query(
                "SELECT attempt, worker_id, outcome FROM job_attempts WHERE job_id = $1 ORDER BY attempt", [.int(done.jobID)])
            let first = try #require(attempts.allRows.first)
            #expect(try first.string("worker_id") == victim)
            #expect(try first.text("outcome") == "failed")
            #expect(attempts.allRows.filter { (try? $0.text("outcome")) == "succeeded" }.count == 1)
            try cluster.waitForZones("big.csv processed") { cluster.names(in: cluster.processed) == ["\(done.jobID)-big.csv"] }
            // The archive holds the job's files once, complete.
            let archive = try ArchiveReader.counts(under: cluster.archive)
            #expect(archive == Dictionary(uniqueKeysWithValues: Self.slowDates.map {
                ("readings/\($0)/part-\(done.jobID).parquet", Self.slowRows / Self.slowDates.count)
            }))
            #expect(cluster.names(in: cluster.processed) == ["\(done.jobID)-big.csv"])
        }
    }

    @Test("R-J-7 R-P-1: the coordinator killed with SIGKILL mid-run and restarted; every file ends once, no reading lost or doubled")
    func coordinatorKilledMidRun() throws {
        let files = 12
        let meters = 100
        let slots = 192  // two days: two archive files per job
        try Self.withCluster(workers: 2, environment: ["GS_HEARTBEAT_TIMEOUT": "2"]) { cluster in
            for k in 0..<files {
                let first = Int64(k * meters + 1)
                try cluster.land("feeder-\(k).csv", MeterCSV.clean(meters: first...(first + Int64(meters) - 1), slots: slots))
            }
            // Kill it while some jobs are done and others are not.
            var seen: [GsctlJob] = []
            try Wait.until(
                "a succeeded job while others still run or wait", timeout: 180,
                detail: { "jobs: \(seen.map(\.brief))" }
            ) {
                seen = try cluster.jobs()
                if seen.count == files && seen.allSatisfy(\.isTerminal) {
                    throw Wait.TimedOut(description: "every job ended before the coordinator could be killed; make the files bigger")
                }
                return seen.contains { $0.state == "succeeded" } && seen.filter { !$0.isTerminal }.count >= 3
            }
            try cluster.kill9("coordinator")
            try cluster.up(workers: 2)

            let jobs = try cluster.waitForTerminalJobs(count: files)
            #expect(Set(jobs.map(\.file)).count == files, "one job per file")
            #expect(jobs.allSatisfy { $0.state == "succeeded" }, "\(jobs.map(\.brief))")
            let perFile = meters * slots
            #expect(try cluster.count("SELECT count(*) FROM readings") == Int64(files * perFile))
            for job in jobs {
                #expect(try cluster.count("SELECT count(*) FROM readings WHERE job_id = $1", [.int(job.jobID)]) == Int64(perFile), "\(job.brief)")
            }
            #expect(try cluster.count("SELECT coalesce(sum(readings), 0) FROM meter_hourly") == Int64(files * perFile))
            #expect(try cluster.count("SELECT count(*) FROM job_attempts WHERE outcome = 'succeeded'") == Int64(files))
            try cluster.waitForZones("every raw file processed") {
                cluster.names(in: cluster.processed).count == files && cluster.names(in: cluster.landing).isEmpty
            }
            // The archive holds exactly the succeeded attempts' files, each complete.
            var expected: [String: Int] = [:]
            for job in jobs {
                for date in ["date=2024-06-01", "date=2024-06-02"] {
                    expected["readings/\(date)/part-\(job.jobID).parquet"] = perFile / 2
                }
            }
            #expect(try ArchiveReader.counts(under: cluster.archive) == expected)
            #expect(cluster.names(in: cluster.processed) == jobs.map { "\($0.jobID)-\($0.file)" }.sorted())
            #expect(cluster.names(in: cluster.landing).isEmpty)
        }
    }

    @Test("R-J-3 R-J-6: a poison file that kills every worker holding it is quarantined with worker_lost; jobs retry sends it through again")
    func poisonFileQuarantinedThenRetried() throws {
        try Self.withCluster(workers: 2, environment: ["GS_HEARTBEAT_TIMEOUT": "2", "GS_RETRIES": "2"]) { cluster in
            let coordinatorPID = try cluster.pid("coordinator")
            try cluster.land("poison.csv", MeterCSV.clean(meters: Self.slowMeters, slots: Self.slowSlots))
            // The test plays the poison: whichever worker runs the job dies, every attempt.
            var killed: [Int: String] = [:]
            var job: GsctlJob
            while true {
                job = try cluster.waitForJob(file: "poison.csv", "running a new attempt, or ended") {
                    $0.isTerminal || ($0.state == "running" && $0.worker != nil && killed[$0.attempts] == nil)
                }
                if job.isTerminal { break }
                try #require(killed.count < 3, "a 4th attempt started although GS_RETRIES=2: \(job.brief)")
                let victim = try #require(job.worker)
                let pidBefore = try cluster.pid(victim)
                try cluster.kill9(victim)
                killed[job.attempts] = victim
                // `up` starts only what is missing: the killed worker, under the same name.
                try cluster.up(workers: 2)
                #expect(try cluster.pid(victim) != pidBefore)
            }
            #expect(job.state == "quarantined", "\(job.brief)")
            try cluster.waitForZones("poison.csv and its record in quarantine/") {
                cluster.names(in: cluster.quarantine).contains("\(job.jobID)-poison.csv.json")
            }
            #expect(job.error == "worker_lost")
            #expect(job.attempts == 3)
            #expect(killed.count == 3)
            #expect(try cluster.pid("coordinator") == coordinatorPID, "up restarted the coordinator, which ran")
            let status = try cluster.status()
            #expect(status.status == 0, "the fleet is whole again: \(status.stdoutText)")
            let record = try Self.quarantineRecord(cluster, job)
            #expect(record["reason"] as? String == "worker_lost")
            #expect(record["attempts"] as? Int == 3)
            #expect(try cluster.count("SELECT count(*) FROM readings") == 0)
            #expect(cluster.archiveFiles().isEmpty)

            let retry = try cluster.gsctl(["jobs", "retry", String(job.jobID)])
            #expect(retry.status == 0, "gsctl jobs retry: \(retry.stderrText)")
            let again = try cluster.waitForJob(file: "poison.csv", "succeeded after jobs retry") { $0.state == "succeeded" }
            #expect(again.jobID == job.jobID)
            try cluster.waitForZones("poison.csv processed") { !cluster.names(in: cluster.processed).isEmpty }
            #expect(again.rowsStored == Self.slowRows)
            #expect(try cluster.count("SELECT count(*) FROM readings WHERE job_id = $1", [.int(job.jobID)]) == Int64(Self.slowRows))
            #expect(cluster.names(in: cluster.processed) == ["\(job.jobID)-poison.csv"])
            #expect(!cluster.names(in: cluster.quarantine).contains("\(job.jobID)-poison.csv"))
            #expect(cluster.archiveFiles().count == Self.slowDates.count)
        }
    }

    /// The JSON record beside a quarantined file, after checking that the file is there.
    static func quarantineRecord(_ cluster: LocalCluster, _ job: GsctlJob) throws -> [String: Any] {
        let name = "\(job.jobID)-\(job.file)"
        #expect(cluster.names(in: cluster.quarantine).contains(name), "quarantine/\(name)")
        let data = try Data(contentsOf: cluster.quarantine.appendingPathComponent(name + ".json"))
        let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((record["job_id"] as? NSNumber)?.int64Value == job.jobID)
        return record
    }
}
