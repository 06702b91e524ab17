import GreenStreamCore
import GreenStreamRPC

/// One sample of every call and result, with every field set to a non-default value
/// so a field lost in either direction shows up as a difference.
enum Fixtures {
    static let job = JobLease(jobID: 9_000_000_001, attempt: 3)

    static let readings = ReadingBatch(
        meterID: [1, 7, Int64.max], ts: [0, 1_700_000_000_000_000, -62_135_596_800_000_000], kw: [0, -0.0, 48.25],
        quality: [.measured, .interpolated, .measured], hourOfDay: [0, 17, 23], isPeakWindow: [false, true, false])

    static let success = JobSuccess(
        counts: RowCounts(rowsRead: 10, measuredRows: 6, interpolatedRows: 1, rejectedRows: 3, synthesisedSlots: 2),
        rejectCounts: [.aboveMax: 1, .malformedRow: 2],
        rejects: [
            Reject(line: 4, reason: .malformedRow, meterID: "12", timestamp: "", readingValue: "", unit: ""),
            Reject(
                line: 9, reason: .aboveMax, meterID: "007", timestamp: "2024-03-31T02:30", readingValue: "1e9",
                unit: "kW"),
            Reject(
                line: 11, reason: .edgeGap, meterID: "Zähler \u{1F50C}", timestamp: "x,\"y\"", readingValue: "NA",
                unit: "MWh"),
        ],
        readings: readings,
        archiveFiles: [
            ArchiveFilePart(utcDate: "2024-03-30", parquet: Array("PAR1\u{0}\u{1}PAR1".utf8)),
            ArchiveFilePart(utcDate: "2024-03-31", parquet: []),
        ])

    static let assignment = JobAssignment(
        job: job, fileName: "meters-2024-03-31.csv", fileSHA256: String(repeating: "ab", count: 32), fileSize: 5,
        content: Array("a,b\n".utf8) + [0, 255], sourcePath: "/data/landing/meters.csv",
        settings: TransformSettings(
            sourceTimeZone: "Europe/Berlin", gridTimeZone: "Asia/Kolkata", maxKW: 250.5, maxGapSeconds: 3600,
            peakStartHour: 22, peakEndHour: 6,
            maxFileBytes: 1 << 30),
        leaseTimeoutMs: 5000)

    static let summary = JobSummary(
        jobID: 42, state: .quarantined, attempts: 4, fileName: "f.csv", rowsStored: 100, rowsInterpolated: 5,
        rowsRejected: 7,
        workerID: "host-a/1", createdAtUs: 1_700_000_000_000_000, updatedAtUs: 1_700_000_100_000_000,
        error: "worker_lost", rejectCounts: [.invalidUnit: 4, .aboveMax: 3])

    /// Every request kind.
    static let requests: [RPCRequest.Body] = [
        .registerWorker(
            RegisterWorkerRequest(
                workerID: "host-a/1234", hostname: "host-a", softwareVersion: "1.2.3", maxConcurrentJobs: 2)),
        .leaseJob(LeaseJobRequest(workerID: "host-a/1234", waitMs: 0)),
        .heartbeat(
            HeartbeatRequest(
                workerID: "host-a/1234",
                inFlight: [
                    JobProgress(job: job, stage: .encoding, rowsDone: 123, bytesDone: 4567),
                    JobProgress(job: JobLease(jobID: 5, attempt: 1), stage: .reading),
                ])),
        .reportResult(ReportResultRequest(workerID: "host-a/1234", job: job, outcome: .success(success))),
        .reportResult(
            ReportResultRequest(
                workerID: "w", job: job,
                outcome: .success(
                    JobSuccess(
                        counts: RowCounts(
                            rowsRead: 0, measuredRows: 0, interpolatedRows: 0, rejectedRows: 0, synthesisedSlots: 0),
                        rejectCounts: [:], rejects: [], readings: ReadingBatch(),
                        archiveFiles: [
                            ArchiveFilePart(utcDate: "2024-03-31", parquet: [1, 2, 3], offset: 1000, totalSize: 5000)
                        ])),
                part: 2, partCount: 5)),
        .reportResult(
            ReportResultRequest(workerID: "w", job: job, outcome: .failure(JobFailure(.missingColumn("unit"))))),
        .reportResult(
            ReportResultRequest(
                workerID: "w", job: job,
                outcome: .failure(JobFailure(kind: .retryable, reason: "io", message: "disk gone")))),
        .listJobs(ListJobsRequest(state: .quarantined, limit: 3, beforeJobID: 100)),
        .listJobs(ListJobsRequest(state: nil, limit: 0, beforeJobID: 0)),
        .showJob(ShowJobRequest(jobID: 42)),
        .retryJobs(RetryJobsRequest(jobIDs: [1, 2, 3])),
        .retryJobs(RetryJobsRequest(jobIDs: [], state: .quarantined, error: "worker_lost")),
        .listWorkers,
        .ingestFile(IngestFileRequest(fileName: "new.csv", content: Array("MeterID,Timestamp\n".utf8))),
        .stats,
        .peakHours(PeakHoursRequest(day: "2024-03-31", top: 5)),
    ]

    /// Every reply kind.
    static let replies: [RPCReply.Body] = [
        .error(RPCError(.staleAttempt, "attempt 2 is not current (4 is)")),
        .registerWorker(
            RegisterWorkerReply(heartbeatIntervalMs: 1000, maxLeaseWaitMs: 20000, maxRequestBytes: 64 << 20)),
        .leaseJob(LeaseJobReply(assignment: assignment)),
        .leaseJob(LeaseJobReply(assignment: nil, retryAfterMs: 250)),
        .heartbeat(HeartbeatReply(cancel: [job], drain: true)),
        .reportResult(ReportResultReply(jobState: .succeeded)),
        .listJobs(
            ListJobsReply(
                jobs: [
                    summary,
                    JobSummary(
                        jobID: 41, state: .running, attempts: 1, fileName: "g.csv", createdAtUs: 1, updatedAtUs: 2),
                ], nextBeforeJobID: 41)),
        .showJob(
            ShowJobReply(
                job: summary, fileSHA256: "cd", fileSize: 99, rejectCounts: [.invalidUnit: 7],
                attempts: [
                    AttemptRecord(
                        attempt: 1, workerID: "a", startedAtUs: 10, endedAtUs: 20, outcome: "worker_lost",
                        error: "heartbeat timeout"),
                    AttemptRecord(attempt: 2, workerID: "b", startedAtUs: 30, endedAtUs: 0, outcome: "running"),
                ])),
        .retryJobs(RetryJobsReply(retriedJobIDs: [7, 8])),
        .listWorkers(
            ListWorkersReply(workers: [
                WorkerInfo(
                    workerID: "a", hostname: "h", softwareVersion: "1", address: "10.0.0.7:50122", registeredAtUs: 5,
                    lastHeartbeatUs: 6, inFlight: [job])
            ])),
        .ingestFile(IngestFileReply(jobID: 43, state: .duplicate)),
        .stats(
            StatsReply(
                jobsByState: [.pending: 3, .succeeded: 1_000_000], readingsStored: 5_000_000_000, workersAlive: 12,
                parkedPolls: 4)),
        .stats(
            StatsReply(
                jobsByState: [:], readingsStored: 0, workersAlive: 0, parkedPolls: 0,
                hotStore: HotStoreStats(
                    oldestDay: "2026-11-28", newestDay: "2026-12-01", rows: 76_800_000, bytes: 9_000_000_000,
                    retentionDays: 30))),
        .peakHours(
            PeakHoursReply(
                day: "2024-03-31", gridTimeZone: "Asia/Kolkata",
                hours: [PeakHour(hourStartUs: 1_711_900_800_000_000, meters: 3, loadKW: 12.5)])),
    ]
}
