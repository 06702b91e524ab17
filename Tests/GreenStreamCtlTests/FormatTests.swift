import GreenStreamCore
import GreenStreamCtl
import GreenStreamRPC
import Testing

/// Tables and JSON from model values (R-O-1, R-O-2, R-J-8): golden strings.
@Suite struct FormatTests {
    static let now: Int64 = 1_764_630_000_000_000  // 2025-12-01T23:00:00Z
    static let jobs = [
        JobSummary(
            jobID: 12, state: .quarantined, attempts: 1, fileName: "no-unit.csv", workerID: "host-a-17",
            createdAtUs: now - 45_000_000, updatedAtUs: now - 44_000_000, error: "missing_column:unit"),
        JobSummary(
            jobID: 11, state: .succeeded, attempts: 2, fileName: "feeder \"12\".csv", rowsStored: 1234,
            rowsInterpolated: 17, rowsRejected: 5, workerID: "host-b-9", createdAtUs: now - 3 * 3_600_000_000,
            updatedAtUs: now - 3_600_000_000, rejectCounts: [.invalidUnit: 2, .aboveMax: 3]),
        JobSummary(
            jobID: 3, state: .pending, attempts: 0, fileName: "late.csv", createdAtUs: now - 9 * 86_400_000_000,
            updatedAtUs: now),
    ]

    @Test("R-O-1 jobs list table: id, state, attempts, file, rows stored/interpolated/rejected, worker, age, error")
    func jobsTable() {
        #expect(
            JobsFormat.table(Self.jobs, now: Self.now) == """
                JOB  STATE        ATTEMPTS  FILE             STORED  INTERPOLATED  REJECTED  WORKER     AGE  ERROR
                 12  quarantined         1  no-unit.csv           0             0         0  host-a-17  45s  missing_column:unit
                 11  succeeded           2  feeder "12".csv    1234            17         5  host-b-9    3h  -
                  3  pending             0  late.csv              0             0         0  -           9d  -

                """)
    }

    @Test("jobs list --json: one array, newest first, the interface's fields, null for no worker/error")
    func jobsJSON() {
        #expect(
            JobsFormat.json(Self.jobs) == """
                [{"job_id":12,"state":"quarantined","file":"no-unit.csv","attempts":1,"worker":"host-a-17",\
                "error":"missing_column:unit","rows_stored":0,"rows_interpolated":0,"rows_rejected":0,\
                "rejects_by_reason":{},"created_at":"2025-12-01T22:59:15Z","updated_at":"2025-12-01T22:59:16Z"},\
                {"job_id":11,"state":"succeeded","file":"feeder \\"12\\".csv","attempts":2,"worker":"host-b-9",\
                "error":null,"rows_stored":1234,"rows_interpolated":17,"rows_rejected":5,\
                "rejects_by_reason":{"above_max":3,"invalid_unit":2},"created_at":"2025-12-01T20:00:00Z",\
                "updated_at":"2025-12-01T22:00:00Z"},\
                {"job_id":3,"state":"pending","file":"late.csv","attempts":0,"worker":null,"error":null,\
                "rows_stored":0,"rows_interpolated":0,"rows_rejected":0,"rejects_by_reason":{},\
                "created_at":"2025-11-22T23:00:00Z","updated_at":"2025-12-01T23:00:00Z"}]

                """)
        #expect(JobsFormat.json([]) == "[]\n")
    }

    static let show = ShowJobReply(
        job: jobs[1], fileSHA256: "9f86d081", fileSize: 48_213, rejectCounts: [.invalidUnit: 2, .aboveMax: 3],
        attempts: [
            AttemptRecord(
                attempt: 1, workerID: "host-a-17", startedAtUs: now - 3 * 3_600_000_000,
                endedAtUs: now - 3 * 3_600_000_000 + 6_000_000, outcome: "worker_lost", error: "worker_lost"),
            AttemptRecord(
                attempt: 2, workerID: "host-b-9", startedAtUs: now - 3_600_000_000 - 2_000_000,
                endedAtUs: now - 3_600_000_000, outcome: "succeeded"),
        ])

    @Test("R-J-8 jobs show prints the job and every attempt: worker, start, end, outcome, error")
    func showText() {
        #expect(
            JobsFormat.show(Self.show, now: Self.now) == """
                job 11: succeeded
                file      feeder "12".csv
                size      48213 bytes
                sha256    9f86d081
                landed    2025-12-01T20:00:00Z (3h ago)
                updated   2025-12-01T22:00:00Z
                attempts  2
                worker    host-b-9
                rows      1234 stored (17 interpolated), 5 rejected
                rejects   above_max 3, invalid_unit 2
                error     -

                ATTEMPT  WORKER     STARTED               ENDED                 OUTCOME      ERROR
                      1  host-a-17  2025-12-01T20:00:00Z  2025-12-01T20:00:06Z  worker_lost  worker_lost
                      2  host-b-9   2025-12-01T21:59:58Z  2025-12-01T22:00:00Z  succeeded    -

                """)
    }

    @Test func showJSONAddsTheFileAndTheHistory() {
        #expect(
            JobsFormat.showJSON(Self.show).hasSuffix(
                """
                "file_sha256":"9f86d081","file_size":48213,"history":[{"attempt":1,"worker":"host-a-17",\
                "started_at":"2025-12-01T20:00:00Z","ended_at":"2025-12-01T20:00:06Z","outcome":"worker_lost",\
                "error":"worker_lost"},{"attempt":2,"worker":"host-b-9","started_at":"2025-12-01T21:59:58Z",\
                "ended_at":"2025-12-01T22:00:00Z","outcome":"succeeded","error":null}]}

                """))
    }

    @Test func statsTextAndJSONListEveryState() {
        let stats = StatsReply(
            jobsByState: [.succeeded: 120, .quarantined: 2, .running: 1], readingsStored: 9_600, workersAlive: 2,
            parkedPolls: 1)
        #expect(
            ClusterFormat.stats(stats) == """
                jobs      123 (pending 0, running 1, retrying 0, succeeded 120, quarantined 2, duplicate 0)
                readings  9600 stored
                workers   2 alive
                polls     1 waiting for work
                hot store empty, 0.00 GB on disk, keeps everything

                """)
        #expect(
            ClusterFormat.statsJSON(stats) == """
                {"jobs_by_state":{"pending":0,"running":1,"retrying":0,"succeeded":120,"quarantined":2,\
                "duplicate":0},"jobs_total":123,"readings_stored":9600,"workers_alive":2,"parked_polls":1,\
                "hot_store":{"oldest_day":null,"newest_day":null,"rows_estimated":0,"bytes":0,"retention_days":null}}

                """)
    }

    @Test("Issue 12: stats show the hot store's oldest and newest day, rows, size on disk and retention")
    func statsShowTheHotStoreExtent() {
        let stats = StatsReply(
            jobsByState: [.succeeded: 80], readingsStored: 76_800_000, workersAlive: 3, parkedPolls: 0,
            hotStore: HotStoreStats(
                oldestDay: "2026-11-28", newestDay: "2026-12-01", rows: 76_800_000, bytes: 9_123_456_789,
                retentionDays: 7))
        #expect(
            ClusterFormat.stats(stats).split(separator: "\n").last
                == "hot store 2026-11-28 … 2026-12-01, ~76800000 readings, 9.12 GB on disk, retention 7 days")
        #expect(
            ClusterFormat.statsJSON(stats).hasSuffix(
                """
                "hot_store":{"oldest_day":"2026-11-28","newest_day":"2026-12-01","rows_estimated":76800000,\
                "bytes":9123456789,"retention_days":7}}

                """))
    }

    @Test func workersTableAndJSON() {
        let workers = [
            WorkerInfo(
                workerID: "host-a-17", hostname: "host-a", softwareVersion: "0.9.0", address: "10.0.0.7:50122",
                registeredAtUs: Self.now - 600_000_000, lastHeartbeatUs: Self.now - 1_000_000,
                inFlight: [JobLease(jobID: 12, attempt: 2), JobLease(jobID: 13, attempt: 1)]),
            WorkerInfo(
                workerID: "host-b-9", hostname: "host-b", softwareVersion: "0.9.0", address: "ipc",
                registeredAtUs: Self.now - 5_000_000, lastHeartbeatUs: 0),
        ]
        #expect(
            ClusterFormat.workersTable(workers, now: Self.now) == """
                WORKER     HOST    VERSION  ADDRESS         REGISTERED  LAST HEARTBEAT  JOBS
                host-a-17  host-a  0.9.0    10.0.0.7:50122     10m ago          1s ago  12/2,13/1
                host-b-9   host-b  0.9.0    ipc                 5s ago           never  -

                """)
        #expect(
            ClusterFormat.workersJSON(Array(workers.prefix(1))) == """
                [{"worker_id":"host-a-17","hostname":"host-a","version":"0.9.0","address":"10.0.0.7:50122",\
                "registered_at":"2025-12-01T22:50:00Z","last_heartbeat_at":"2025-12-01T22:59:59Z",\
                "in_flight":[{"job_id":12,"attempt":2},{"job_id":13,"attempt":1}]}]

                """)
        #expect(ClusterFormat.workersTable([], now: Self.now) == "no workers registered\n")
    }

    @Test("R-F-3 peak: hours by load with the local hour in the grid zone")
    func peakTableAndJSON() {
        // 2024-06-01 17:00 and 18:00 in New York (UTC-4) are 21:00 and 22:00 UTC.
        let hour17: Int64 = 1_717_275_600_000_000
        let reply = PeakHoursReply(
            day: "2024-06-01", gridTimeZone: "America/New_York",
            hours: [
                PeakHour(hourStartUs: hour17 + 3_600_000_000, meters: 12, loadKW: 41.25),
                PeakHour(hourStartUs: hour17, meters: 12, loadKW: 38),
            ])
        #expect(
            ClusterFormat.peak(reply) == """
                peak hours of 2024-06-01 (grid time zone America/New_York)
                RANK  LOCAL HOUR   HOUR START (UTC)      METERS  LOAD KW
                   1  18:00-19:00  2024-06-01T22:00:00Z      12   41.250
                   2  17:00-18:00  2024-06-01T21:00:00Z      12   38.000

                """)
        #expect(
            ClusterFormat.peakJSON(reply) == """
                {"day":"2024-06-01","grid_time_zone":"America/New_York","hours":[{"hour_start":"2024-06-01T22:00:00Z",\
                "local_hour":18,"meters":12,"load_kw":41.25},{"hour_start":"2024-06-01T21:00:00Z","local_hour":17,\
                "meters":12,"load_kw":38.0}]}

                """)
    }

    @Test func retryAndIngestLines() {
        #expect(ClusterFormat.retry(RetryJobsReply(retriedJobIDs: [4, 9])) == "sent 2 jobs through again: 4, 9\n")
        #expect(ClusterFormat.retry(RetryJobsReply(retriedJobIDs: [])) == "no job matched; nothing retried\n")
        #expect(ClusterFormat.retryJSON(RetryJobsReply(retriedJobIDs: [4])) == "{\"retried\":[4]}\n")
        let results = [
            (file: "a.csv", reply: IngestFileReply(jobID: 5, state: .pending)),
            (file: "b.csv", reply: IngestFileReply(jobID: 6, state: .duplicate)),
        ]
        #expect(ClusterFormat.ingest(results) == "a.csv: job 5 pending\nb.csv: job 6 duplicate\n")
        #expect(
            ClusterFormat.ingestJSON(results)
                == #"[{"file":"a.csv","job_id":5,"state":"pending"},"#
                + #"{"file":"b.csv","job_id":6,"state":"duplicate"}]"# + "\n"
        )
    }

    @Test func jsonEscapesControlCharactersAndKeepsKeyOrder() {
        let v = JSONValue.object([("z", .string("a\u{1}\n\"\\")), ("a", .double(.nan)), ("m", .double(2.5))])
        #expect(v.text() == #"{"z":"a\u0001\n\"\\","a":null,"m":2.5}"#)
    }
}
