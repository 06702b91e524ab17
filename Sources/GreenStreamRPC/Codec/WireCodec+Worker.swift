import GreenStreamCore
import GreenStreamProto

// worker.proto: registration, lease and heartbeat messages.
extension WireCodec {
    func encode(_ r: RegisterWorkerRequest, _ a: CArena) throws -> UnsafeMutablePointer<
        Greenstream__V1__RegisterWorkerRequest
    > {
        let m: UnsafeMutablePointer<Greenstream__V1__RegisterWorkerRequest> = a.message(
            greenstream__v1__register_worker_request__init)
        m.pointee.worker_id = try a.string(r.workerID, field: "register_worker.worker_id")
        m.pointee.hostname = try a.string(r.hostname, field: "register_worker.hostname")
        m.pointee.software_version = try a.string(r.softwareVersion, field: "register_worker.software_version")
        m.pointee.max_concurrent_jobs = r.maxConcurrentJobs
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__RegisterWorkerRequest>) throws -> RegisterWorkerRequest {
        RegisterWorkerRequest(
            workerID: try text(m.pointee.worker_id, "register_worker.worker_id"),
            hostname: try text(m.pointee.hostname, "register_worker.hostname"),
            softwareVersion: try text(m.pointee.software_version, "register_worker.software_version"),
            maxConcurrentJobs: m.pointee.max_concurrent_jobs)
    }

    func encode(_ r: RegisterWorkerReply, _ a: CArena) -> UnsafeMutablePointer<Greenstream__V1__RegisterWorkerReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__RegisterWorkerReply> = a.message(
            greenstream__v1__register_worker_reply__init)
        m.pointee.heartbeat_interval_ms = r.heartbeatIntervalMs
        m.pointee.max_lease_wait_ms = r.maxLeaseWaitMs
        m.pointee.max_request_bytes = r.maxRequestBytes
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__RegisterWorkerReply>) -> RegisterWorkerReply {
        RegisterWorkerReply(
            heartbeatIntervalMs: m.pointee.heartbeat_interval_ms, maxLeaseWaitMs: m.pointee.max_lease_wait_ms,
            maxRequestBytes: m.pointee.max_request_bytes)
    }

    func encode(_ r: LeaseJobRequest, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__LeaseJobRequest> {
        let m: UnsafeMutablePointer<Greenstream__V1__LeaseJobRequest> = a.message(
            greenstream__v1__lease_job_request__init)
        m.pointee.worker_id = try a.string(r.workerID, field: "lease_job.worker_id")
        m.pointee.wait_ms = r.waitMs
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__LeaseJobRequest>) throws -> LeaseJobRequest {
        LeaseJobRequest(workerID: try text(m.pointee.worker_id, "lease_job.worker_id"), waitMs: m.pointee.wait_ms)
    }

    func encode(_ r: LeaseJobReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__LeaseJobReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__LeaseJobReply> = a.message(greenstream__v1__lease_job_reply__init)
        m.pointee.retry_after_ms = r.retryAfterMs
        guard let job = r.assignment else { return m }
        let j: UnsafeMutablePointer<Greenstream__V1__JobAssignment> = a.message(greenstream__v1__job_assignment__init)
        j.pointee.job = try encode(job.job, "assignment.job", a)
        j.pointee.file_name = try a.string(job.fileName, field: "assignment.file_name")
        j.pointee.file_sha256 = try a.string(job.fileSHA256, field: "assignment.file_sha256")
        j.pointee.file_size = job.fileSize
        j.pointee.content = a.bytes(job.content)
        j.pointee.source_path = try a.string(job.sourcePath, field: "assignment.source_path")
        j.pointee.lease_timeout_ms = job.leaseTimeoutMs
        let s: UnsafeMutablePointer<Greenstream__V1__TransformSettings> = a.message(
            greenstream__v1__transform_settings__init)
        s.pointee.source_time_zone = try a.string(job.settings.sourceTimeZone, field: "settings.source_time_zone")
        s.pointee.grid_time_zone = try a.string(job.settings.gridTimeZone, field: "settings.grid_time_zone")
        s.pointee.max_kw = job.settings.maxKW
        s.pointee.max_gap_seconds = job.settings.maxGapSeconds
        s.pointee.peak_start_hour = job.settings.peakStartHour
        s.pointee.peak_end_hour = job.settings.peakEndHour
        s.pointee.max_file_bytes = job.settings.maxFileBytes
        j.pointee.settings = s
        m.pointee.assignment = j
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__LeaseJobReply>) throws -> LeaseJobReply {
        guard let j = m.pointee.assignment?.pointee else {
            return LeaseJobReply(assignment: nil, retryAfterMs: m.pointee.retry_after_ms)
        }
        let s = try required(j.settings, "assignment.settings").pointee
        let settings = TransformSettings(
            sourceTimeZone: try text(s.source_time_zone, "settings.source_time_zone"),
            gridTimeZone: try text(s.grid_time_zone, "settings.grid_time_zone"), maxKW: s.max_kw,
            maxGapSeconds: s.max_gap_seconds,
            peakStartHour: s.peak_start_hour, peakEndHour: s.peak_end_hour, maxFileBytes: s.max_file_bytes)
        let assignment = JobAssignment(
            job: try decode(try required(j.job, "assignment.job"), "assignment.job"), fileName: try text(j.file_name, "assignment.file_name"),
            fileSHA256: try text(j.file_sha256, "assignment.file_sha256"), fileSize: j.file_size,
            content: bytes(j.content),
            sourcePath: try text(j.source_path, "assignment.source_path"), settings: settings,
            leaseTimeoutMs: j.lease_timeout_ms)
        return LeaseJobReply(assignment: assignment, retryAfterMs: m.pointee.retry_after_ms)
    }

    func encode(_ r: HeartbeatRequest, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__HeartbeatRequest> {
        let m: UnsafeMutablePointer<Greenstream__V1__HeartbeatRequest> = a.message(
            greenstream__v1__heartbeat_request__init)
        m.pointee.worker_id = try a.string(r.workerID, field: "heartbeat.worker_id")
        (m.pointee.n_in_flight, m.pointee.in_flight) = try a.messages(r.inFlight, greenstream__v1__job_progress__init) {
            p, progress in
            p.pointee.job = try encode(progress.job, "heartbeat.in_flight.job", a)
            p.pointee.stage = wire(progress.stage)
            p.pointee.rows_done = try wireCount(progress.rowsDone, "heartbeat.in_flight.rows_done")
            p.pointee.bytes_done = progress.bytesDone
        }
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__HeartbeatRequest>) throws -> HeartbeatRequest {
        let inFlight = try messageList(
            m.pointee.n_in_flight, m.pointee.in_flight, limit: limits.maxListItems, "heartbeat.in_flight"
        ) { p in
            JobProgress(
                job: try decode(try required(p.pointee.job, "heartbeat.in_flight.job"), "heartbeat.in_flight.job"),
                stage: try enumValue(p.pointee.stage, "heartbeat.in_flight.stage"),
                rowsDone: try count(p.pointee.rows_done, "heartbeat.in_flight.rows_done"),
                bytesDone: p.pointee.bytes_done)
        }
        return HeartbeatRequest(workerID: try text(m.pointee.worker_id, "heartbeat.worker_id"), inFlight: inFlight)
    }

    func encode(_ r: HeartbeatReply, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__HeartbeatReply> {
        let m: UnsafeMutablePointer<Greenstream__V1__HeartbeatReply> = a.message(greenstream__v1__heartbeat_reply__init)
        (m.pointee.n_cancel, m.pointee.cancel) = try a.messages(r.cancel, greenstream__v1__job_ref__init) {
            try fill($0, $1, "heartbeat.cancel")
        }
        m.pointee.drain = r.drain ? 1 : 0
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__HeartbeatReply>) throws -> HeartbeatReply {
        let cancel = try messageList(
            m.pointee.n_cancel, m.pointee.cancel, limit: limits.maxListItems, "heartbeat.cancel"
        ) { try decode($0, "heartbeat.cancel") }
        return HeartbeatReply(cancel: cancel, drain: m.pointee.drain != 0)
    }
}
