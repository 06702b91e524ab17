import GreenStreamProto

// The oneof dispatch of Request.body and Reply.body: one case per call.
extension WireCodec {
    func encodeBody(_ body: RPCRequest.Body, into m: inout Greenstream__V1__Request, _ a: CArena) throws {
        switch body {
        case .registerWorker(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_REGISTER_WORKER
            m.register_worker = try encode(r, a)
        case .leaseJob(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_LEASE_JOB
            m.lease_job = try encode(r, a)
        case .heartbeat(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_HEARTBEAT
            m.heartbeat = try encode(r, a)
        case .reportResult(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_REPORT_RESULT
            m.report_result = try encode(r, a)
        case .listJobs(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_LIST_JOBS
            m.list_jobs = encode(r, a)
        case .showJob(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_SHOW_JOB
            let s: UnsafeMutablePointer<Greenstream__V1__ShowJobRequest> = a.message(
                greenstream__v1__show_job_request__init)
            s.pointee.job_id = r.jobID
            m.show_job = s
        case .retryJobs(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_RETRY_JOBS
            m.retry_jobs = try encode(r, a)
        case .listWorkers:
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_LIST_WORKERS
            m.list_workers = a.message(greenstream__v1__list_workers_request__init)
        case .ingestFile(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_INGEST_FILE
            let s: UnsafeMutablePointer<Greenstream__V1__IngestFileRequest> = a.message(
                greenstream__v1__ingest_file_request__init)
            s.pointee.file_name = try a.string(r.fileName, field: "ingest_file.file_name")
            s.pointee.content = a.bytes(r.content)
            m.ingest_file = s
        case .stats:
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_STATS
            m.stats = a.message(greenstream__v1__stats_request__init)
        case .peakHours(let r):
            m.body_case = GREENSTREAM__V1__REQUEST__BODY_PEAK_HOURS
            let s: UnsafeMutablePointer<Greenstream__V1__PeakHoursRequest> = a.message(
                greenstream__v1__peak_hours_request__init)
            s.pointee.day = try a.string(r.day, field: "peak_hours.day")
            s.pointee.top = r.top
            m.peak_hours = s
        }
    }

    func decodeBody(_ m: Greenstream__V1__Request) throws -> RPCRequest.Body {
        switch m.body_case {
        case GREENSTREAM__V1__REQUEST__BODY_REGISTER_WORKER:
            .registerWorker(try decode(required(m.register_worker, "register_worker")))
        case GREENSTREAM__V1__REQUEST__BODY_LEASE_JOB: .leaseJob(try decode(required(m.lease_job, "lease_job")))
        case GREENSTREAM__V1__REQUEST__BODY_HEARTBEAT: .heartbeat(try decode(required(m.heartbeat, "heartbeat")))
        case GREENSTREAM__V1__REQUEST__BODY_REPORT_RESULT:
            .reportResult(try decode(required(m.report_result, "report_result")))
        case GREENSTREAM__V1__REQUEST__BODY_LIST_JOBS: .listJobs(try decode(required(m.list_jobs, "list_jobs")))
        case GREENSTREAM__V1__REQUEST__BODY_SHOW_JOB:
            .showJob(ShowJobRequest(jobID: try required(m.show_job, "show_job").pointee.job_id))
        case GREENSTREAM__V1__REQUEST__BODY_RETRY_JOBS: .retryJobs(try decode(required(m.retry_jobs, "retry_jobs")))
        case GREENSTREAM__V1__REQUEST__BODY_LIST_WORKERS: .listWorkers
        case GREENSTREAM__V1__REQUEST__BODY_INGEST_FILE:
            try {
                let s = try required(m.ingest_file, "ingest_file").pointee
                return .ingestFile(
                    IngestFileRequest(
                        fileName: try text(s.file_name, "ingest_file.file_name"), content: bytes(s.content)))
            }()
        case GREENSTREAM__V1__REQUEST__BODY_STATS: .stats
        case GREENSTREAM__V1__REQUEST__BODY_PEAK_HOURS:
            try {
                let s = try required(m.peak_hours, "peak_hours").pointee
                return .peakHours(PeakHoursRequest(day: try text(s.day, "peak_hours.day"), top: s.top))
            }()
        default:
            throw WireError.missingBody(
                message: "request names no call this server knows (Request.body field \(m.body_case.rawValue))")
        }
    }

    func encodeBody(_ body: RPCReply.Body, into m: inout Greenstream__V1__Reply, _ a: CArena) throws {
        switch body {
        case .error(let e):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_ERROR
            let s: UnsafeMutablePointer<Greenstream__V1__Error> = a.message(greenstream__v1__error__init)
            s.pointee.code = wire(e.code)
            s.pointee.message = try a.string(e.message, field: "error.message")
            m.error = s
        case .registerWorker(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_REGISTER_WORKER
            m.register_worker = encode(r, a)
        case .leaseJob(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_LEASE_JOB
            m.lease_job = try encode(r, a)
        case .heartbeat(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_HEARTBEAT
            m.heartbeat = try encode(r, a)
        case .reportResult(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_REPORT_RESULT
            let s: UnsafeMutablePointer<Greenstream__V1__ReportResultReply> = a.message(
                greenstream__v1__report_result_reply__init)
            s.pointee.job_state = wire(r.jobState)
            m.report_result = s
        case .listJobs(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_LIST_JOBS
            m.list_jobs = try encode(r, a)
        case .showJob(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_SHOW_JOB
            m.show_job = try encode(r, a)
        case .retryJobs(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_RETRY_JOBS
            let s: UnsafeMutablePointer<Greenstream__V1__RetryJobsReply> = a.message(
                greenstream__v1__retry_jobs_reply__init)
            (s.pointee.n_retried_job_ids, s.pointee.retried_job_ids) = a.copy(r.retriedJobIDs)
            m.retry_jobs = s
        case .listWorkers(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_LIST_WORKERS
            m.list_workers = try encode(r, a)
        case .ingestFile(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_INGEST_FILE
            let s: UnsafeMutablePointer<Greenstream__V1__IngestFileReply> = a.message(
                greenstream__v1__ingest_file_reply__init)
            s.pointee.job_id = r.jobID
            s.pointee.state = wire(r.state)
            m.ingest_file = s
        case .stats(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_STATS
            m.stats = try encode(r, a)
        case .peakHours(let r):
            m.body_case = GREENSTREAM__V1__REPLY__BODY_PEAK_HOURS
            m.peak_hours = try encode(r, a)
        }
    }

    func decodeBody(_ m: Greenstream__V1__Reply) throws -> RPCReply.Body {
        switch m.body_case {
        case GREENSTREAM__V1__REPLY__BODY_ERROR:
            let e = try required(m.error, "error").pointee
            return .error(RPCError(try enumValue(e.code, "error.code"), try text(e.message, "error.message")))
        case GREENSTREAM__V1__REPLY__BODY_REGISTER_WORKER:
            return .registerWorker(decode(try required(m.register_worker, "register_worker")))
        case GREENSTREAM__V1__REPLY__BODY_LEASE_JOB: return .leaseJob(try decode(required(m.lease_job, "lease_job")))
        case GREENSTREAM__V1__REPLY__BODY_HEARTBEAT: return .heartbeat(try decode(required(m.heartbeat, "heartbeat")))
        case GREENSTREAM__V1__REPLY__BODY_REPORT_RESULT:
            let s = try required(m.report_result, "report_result").pointee
            return .reportResult(ReportResultReply(jobState: try enumValue(s.job_state, "report_result.job_state")))
        case GREENSTREAM__V1__REPLY__BODY_LIST_JOBS: return .listJobs(try decode(required(m.list_jobs, "list_jobs")))
        case GREENSTREAM__V1__REPLY__BODY_SHOW_JOB: return .showJob(try decode(required(m.show_job, "show_job")))
        case GREENSTREAM__V1__REPLY__BODY_RETRY_JOBS:
            let s = try required(m.retry_jobs, "retry_jobs").pointee
            let ids = try list(
                s.n_retried_job_ids, s.retried_job_ids, limit: limits.maxListItems, "retry_jobs.retried_job_ids"
            ) { $0 }
            return .retryJobs(RetryJobsReply(retriedJobIDs: ids))
        case GREENSTREAM__V1__REPLY__BODY_LIST_WORKERS:
            return .listWorkers(try decode(required(m.list_workers, "list_workers")))
        case GREENSTREAM__V1__REPLY__BODY_INGEST_FILE:
            let s = try required(m.ingest_file, "ingest_file").pointee
            return .ingestFile(IngestFileReply(jobID: s.job_id, state: try enumValue(s.state, "ingest_file.state")))
        case GREENSTREAM__V1__REPLY__BODY_STATS: return .stats(try decode(required(m.stats, "stats")))
        case GREENSTREAM__V1__REPLY__BODY_PEAK_HOURS:
            return .peakHours(try decode(required(m.peak_hours, "peak_hours")))
        default:
            throw WireError.missingBody(
                message: "reply carries no result this client knows (Reply.body field \(m.body_case.rawValue))")
        }
    }
}
