import GreenStreamCore
import GreenStreamProto

// admin.proto: the gsctl calls.
extension WireCodec {
    func encode(_ r: ListJobsRequest, _ a: CArena) -> UnsafeMutablePointer<Greenstream__V1__ListJobsRequest> {
        let m: UnsafeMutablePointer<Greenstream__V1__ListJobsRequest> = a.message(
            greenstream__v1__list_jobs_request__init)
        m.pointee.state = wire(r.state)
        m.pointee.limit = r.limit
        m.pointee.before_job_id = r.beforeJobID
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__ListJobsRequest>) throws -> ListJobsRequest {
        ListJobsRequest(
            state: try optionalEnumValue(m.pointee.state, "list_jobs.state"), limit: m.pointee.limit,
            beforeJobID: m.pointee.before_job_id)
    }

    private func fill(_ p: UnsafeMutablePointer<Greenstream__V1__JobSummary>, _ j: JobSummary, _ a: CArena) throws {
        p.pointee.job_id = j.jobID
        p.pointee.state = wire(j.state)
        p.pointee.attempts = j.attempts
        p.pointee.file_name = try a.string(j.fileName, field: "job.file_name")
        p.pointee.rows_stored = try wireCount(j.rowsStored, "job.rows_stored")
        p.pointee.rows_interpolated = try wireCount(j.rowsInterpolated, "job.rows_interpolated")
        p.pointee.rows_rejected = try wireCount(j.rowsRejected, "job.rows_rejected")
        p.pointee.worker_id = try a.string(j.workerID, field: "job.worker_id")
        p.pointee.created_at_us = j.createdAtUs
        p.pointee.updated_at_us = j.updatedAtUs
        p.pointee.error = try a.string(j.error, field: "job.error")
        (p.pointee.n_reject_counts, p.pointee.reject_counts) = try encodeRejectCounts(
            j.rejectCounts, "job.reject_counts", a)
    }

    private func decode(_ p: UnsafeMutablePointer<Greenstream__V1__JobSummary>) throws -> JobSummary {
        let j = p.pointee
        return JobSummary(
            jobID: j.job_id, state: try enumValue(j.state, "job.state"), attempts: j.attempts,
            fileName: try text(j.file_name, "job.file_name"),
            rowsStored: try count(j.rows_stored, "job.rows_stored"),
            rowsInterpolated: try count(j.rows_interpolated, "job.rows_interpolated"),
            rowsRejected: try count(j.rows_rejected, "job.rows_rejected"),
            workerID: try text(j.worker_id, "job.worker_id"), createdAtUs: j.created_at_us,
            updatedAtUs: j.updated_at_us,
            error: try text(j.error, "job.error"),
            rejectCounts: try decodeRejectCounts(j.n_reject_counts, j.reject_counts, "job.reject_counts"))
    }

    func encode(_ r: ListJobsReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__ListJobsReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__ListJobsReply> = a.message(greenstream__v1__list_jobs_reply__init)
        (m.pointee.n_jobs, m.pointee.jobs) = try a.messages(r.jobs, greenstream__v1__job_summary__init) { p, j in
            try fill(p, j, a)
        }
        m.pointee.next_before_job_id = r.nextBeforeJobID
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__ListJobsReply>) throws -> ListJobsReply {
        let jobs = try messageList(m.pointee.n_jobs, m.pointee.jobs, limit: limits.maxListItems, "list_jobs.jobs") {
            try decode($0)
        }
        return ListJobsReply(jobs: jobs, nextBeforeJobID: m.pointee.next_before_job_id)
    }

    func encode(_ r: ShowJobReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__ShowJobReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__ShowJobReply> = a.message(greenstream__v1__show_job_reply__init)
        let job: UnsafeMutablePointer<Greenstream__V1__JobSummary> = a.message(greenstream__v1__job_summary__init)
        try fill(job, r.job, a)
        m.pointee.job = job
        m.pointee.file_sha256 = try a.string(r.fileSHA256, field: "show_job.file_sha256")
        m.pointee.file_size = r.fileSize
        (m.pointee.n_reject_counts, m.pointee.reject_counts) = try encodeRejectCounts(
            r.rejectCounts, "show_job.reject_counts", a)
        (m.pointee.n_attempts, m.pointee.attempts) = try a.messages(r.attempts, greenstream__v1__attempt_record__init) {
            p, t in
            p.pointee.attempt = t.attempt
            p.pointee.worker_id = try a.string(t.workerID, field: "attempts.worker_id")
            p.pointee.started_at_us = t.startedAtUs
            p.pointee.ended_at_us = t.endedAtUs
            p.pointee.outcome = try a.string(t.outcome, field: "attempts.outcome")
            p.pointee.error = try a.string(t.error, field: "attempts.error")
        }
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__ShowJobReply>) throws -> ShowJobReply {
        let s = m.pointee
        let attempts = try messageList(s.n_attempts, s.attempts, limit: limits.maxListItems, "show_job.attempts") { p in
            AttemptRecord(
                attempt: p.pointee.attempt, workerID: try text(p.pointee.worker_id, "attempts.worker_id"),
                startedAtUs: p.pointee.started_at_us,
                endedAtUs: p.pointee.ended_at_us, outcome: try text(p.pointee.outcome, "attempts.outcome"),
                error: try text(p.pointee.error, "attempts.error"))
        }
        return ShowJobReply(
            job: try decode(required(s.job, "show_job.job")),
            fileSHA256: try text(s.file_sha256, "show_job.file_sha256"),
            fileSize: s.file_size,
            rejectCounts: try decodeRejectCounts(s.n_reject_counts, s.reject_counts, "show_job.reject_counts"),
            attempts: attempts)
    }

    func encode(_ r: RetryJobsRequest, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__RetryJobsRequest> {
        let m: UnsafeMutablePointer<Greenstream__V1__RetryJobsRequest> = a.message(
            greenstream__v1__retry_jobs_request__init)
        (m.pointee.n_job_ids, m.pointee.job_ids) = a.copy(r.jobIDs)
        m.pointee.state = wire(r.state)
        m.pointee.error = try a.string(r.error, field: "retry_jobs.error")
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__RetryJobsRequest>) throws -> RetryJobsRequest {
        RetryJobsRequest(
            jobIDs: try list(m.pointee.n_job_ids, m.pointee.job_ids, limit: limits.maxListItems, "retry_jobs.job_ids") {
                $0
            },
            state: try optionalEnumValue(m.pointee.state, "retry_jobs.state"),
            error: try text(m.pointee.error, "retry_jobs.error"))
    }

    func encode(_ r: ListWorkersReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__ListWorkersReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__ListWorkersReply> = a.message(
            greenstream__v1__list_workers_reply__init)
        (m.pointee.n_workers, m.pointee.workers) = try a.messages(r.workers, greenstream__v1__worker_info__init) {
            p, w in
            p.pointee.worker_id = try a.string(w.workerID, field: "workers.worker_id")
            p.pointee.hostname = try a.string(w.hostname, field: "workers.hostname")
            p.pointee.software_version = try a.string(w.softwareVersion, field: "workers.software_version")
            p.pointee.address = try a.string(w.address, field: "workers.address")
            p.pointee.registered_at_us = w.registeredAtUs
            p.pointee.last_heartbeat_us = w.lastHeartbeatUs
            (p.pointee.n_in_flight, p.pointee.in_flight) = try a.messages(w.inFlight, greenstream__v1__job_ref__init) {
                try fill($0, $1, "workers.in_flight")
            }
        }
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__ListWorkersReply>) throws -> ListWorkersReply {
        let workers = try messageList(
            m.pointee.n_workers, m.pointee.workers, limit: limits.maxListItems, "list_workers.workers"
        ) { p in
            let w = p.pointee
            return WorkerInfo(
                workerID: try text(w.worker_id, "workers.worker_id"),
                hostname: try text(w.hostname, "workers.hostname"),
                softwareVersion: try text(w.software_version, "workers.software_version"),
                address: try text(w.address, "workers.address"),
                registeredAtUs: w.registered_at_us, lastHeartbeatUs: w.last_heartbeat_us,
                inFlight: try messageList(w.n_in_flight, w.in_flight, limit: limits.maxListItems, "workers.in_flight") {
                    try decode($0, "workers.in_flight")
                })
        }
        return ListWorkersReply(workers: workers)
    }

    func encode(_ r: StatsReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__StatsReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__StatsReply> = a.message(greenstream__v1__stats_reply__init)
        let states = r.jobsByState.sorted { $0.key.wireNumber < $1.key.wireNumber }
        (m.pointee.n_jobs_by_state, m.pointee.jobs_by_state) = try a.messages(
            states, greenstream__v1__state_count__init
        ) { p, entry in
            p.pointee.state = wire(entry.key)
            p.pointee.count = try wireCount(entry.value, "stats.jobs_by_state.count")
        }
        m.pointee.readings_stored = try wireCount(r.readingsStored, "stats.readings_stored")
        m.pointee.workers_alive = r.workersAlive
        m.pointee.parked_polls = r.parkedPolls
        // "" and 0 on the wire stand for "none" (an empty store, no retention window).
        m.pointee.hot_oldest_day = try a.string(r.hotStore.oldestDay ?? "", field: "stats.hot_oldest_day")
        m.pointee.hot_newest_day = try a.string(r.hotStore.newestDay ?? "", field: "stats.hot_newest_day")
        m.pointee.hot_rows = try wireCount(r.hotStore.rows, "stats.hot_rows")
        m.pointee.hot_bytes = try wireCount(r.hotStore.bytes, "stats.hot_bytes")
        m.pointee.hot_retention_days = r.hotStore.retentionDays ?? 0
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__StatsReply>) throws -> StatsReply {
        var byState: [JobState: Int] = [:]
        let entries = try messageList(
            m.pointee.n_jobs_by_state, m.pointee.jobs_by_state, limit: 64, "stats.jobs_by_state"
        ) { p in
            (try enumValue(p.pointee.state, "stats.jobs_by_state.state") as JobState, p.pointee.count)
        }
        // Repeated states add up; a sum above Int.max is refused, never wrapped.
        for (state, n) in entries {
            let (sum, overflow) = UInt64(byState[state, default: 0]).addingReportingOverflow(n)
            byState[state] = try count(overflow ? .max : sum, "stats.jobs_by_state.count")
        }
        return StatsReply(
            jobsByState: byState, readingsStored: try count(m.pointee.readings_stored, "stats.readings_stored"),
            workersAlive: m.pointee.workers_alive,
            parkedPolls: m.pointee.parked_polls,
            hotStore: HotStoreStats(
                oldestDay: try optionalDay(m.pointee.hot_oldest_day, "stats.hot_oldest_day"),
                newestDay: try optionalDay(m.pointee.hot_newest_day, "stats.hot_newest_day"),
                rows: try count(m.pointee.hot_rows, "stats.hot_rows"),
                bytes: try count(m.pointee.hot_bytes, "stats.hot_bytes"),
                retentionDays: m.pointee.hot_retention_days == 0 ? nil : m.pointee.hot_retention_days))
    }

    /// A `YYYY-MM-DD` day, or nil for "". Anything else is refused rather than shown as a day.
    private func optionalDay(_ p: UnsafeMutablePointer<CChar>?, _ field: String) throws -> String? {
        let day = try text(p, field)
        if day.isEmpty { return nil }
        let bytes = Array(day.utf8)
        let digits = [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { bytes.count == 10 && (48...57).contains(bytes[$0]) }
        guard digits, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            throw WireError.valueOutOfRange(field: field, value: String(day.prefix(40)).debugDescription)
        }
        return day
    }

    func encode(_ r: PeakHoursReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__PeakHoursReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__PeakHoursReply> = a.message(
            greenstream__v1__peak_hours_reply__init)
        m.pointee.day = try a.string(r.day, field: "peak_hours.day")
        m.pointee.grid_time_zone = try a.string(r.gridTimeZone, field: "peak_hours.grid_time_zone")
        (m.pointee.n_hours, m.pointee.hours) = a.messages(r.hours, greenstream__v1__peak_hour__init) { p, h in
            p.pointee.hour_start_us = h.hourStartUs
            p.pointee.meters = h.meters
            p.pointee.load_kw = h.loadKW
        }
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__PeakHoursReply>) throws -> PeakHoursReply {
        let hours = try messageList(m.pointee.n_hours, m.pointee.hours, limit: limits.maxListItems, "peak_hours.hours")
        { p in
            PeakHour(hourStartUs: p.pointee.hour_start_us, meters: p.pointee.meters, loadKW: p.pointee.load_kw)
        }
        return PeakHoursReply(
            day: try text(m.pointee.day, "peak_hours.day"),
            gridTimeZone: try text(m.pointee.grid_time_zone, "peak_hours.grid_time_zone"),
            hours: hours)
    }
}
