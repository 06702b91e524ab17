import GreenStreamCore
import GreenStreamProto

// worker.proto: ReportResultRequest and its payloads (counts, rejects, reading
// columns, Parquet files). The reading columns are copied as whole arrays.
extension WireCodec {
    func encode(_ r: ReportResultRequest, _ a: CArena) throws -> UnsafeMutablePointer<
        Greenstream__V1__ReportResultRequest
    > {
        let m: UnsafeMutablePointer<Greenstream__V1__ReportResultRequest> = a.message(
            greenstream__v1__report_result_request__init)
        m.pointee.worker_id = try a.string(r.workerID, field: "report_result.worker_id")
        m.pointee.job = try encode(r.job, "report_result.job", a)
        m.pointee.part = r.part
        m.pointee.part_count = r.partCount
        switch r.outcome {
        case .success(let s):
            m.pointee.outcome_case = GREENSTREAM__V1__REPORT_RESULT_REQUEST__OUTCOME_SUCCESS
            m.pointee.success = try encode(s, a)
        case .failure(let f):
            m.pointee.outcome_case = GREENSTREAM__V1__REPORT_RESULT_REQUEST__OUTCOME_FAILURE
            let p: UnsafeMutablePointer<Greenstream__V1__JobFailure> = a.message(greenstream__v1__job_failure__init)
            p.pointee.kind = wire(f.kind)
            p.pointee.reason = try a.string(f.reason, field: "report_result.failure.reason")
            p.pointee.message = try a.string(f.message, field: "report_result.failure.message")
            m.pointee.failure = p
        }
        return m
    }

    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__ReportResultRequest>) throws -> ReportResultRequest {
        let outcome: ReportResultRequest.Outcome
        switch m.pointee.outcome_case {
        case GREENSTREAM__V1__REPORT_RESULT_REQUEST__OUTCOME_SUCCESS:
            outcome = .success(try decode(required(m.pointee.success, "report_result.success")))
        case GREENSTREAM__V1__REPORT_RESULT_REQUEST__OUTCOME_FAILURE:
            let f = try required(m.pointee.failure, "report_result.failure").pointee
            outcome = .failure(
                JobFailure(
                    kind: try enumValue(f.kind, "report_result.failure.kind"),
                    reason: try text(f.reason, "report_result.failure.reason"),
                    message: try text(f.message, "report_result.failure.message")))
        default:
            throw WireError.missingBody(message: "report_result carries neither success nor failure")
        }
        return ReportResultRequest(
            workerID: try text(m.pointee.worker_id, "report_result.worker_id"),
            job: try decode(try required(m.pointee.job, "report_result.job"), "report_result.job"),
            outcome: outcome, part: m.pointee.part, partCount: max(1, m.pointee.part_count))
    }

    private func encode(_ s: JobSuccess, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__JobSuccess> {
        let m: UnsafeMutablePointer<Greenstream__V1__JobSuccess> = a.message(greenstream__v1__job_success__init)
        let c: UnsafeMutablePointer<Greenstream__V1__RowCounts> = a.message(greenstream__v1__row_counts__init)
        c.pointee.rows_read = try wireCount(s.counts.rowsRead, "success.counts.rows_read")
        c.pointee.measured_rows = try wireCount(s.counts.measuredRows, "success.counts.measured_rows")
        c.pointee.interpolated_rows = try wireCount(s.counts.interpolatedRows, "success.counts.interpolated_rows")
        c.pointee.rejected_rows = try wireCount(s.counts.rejectedRows, "success.counts.rejected_rows")
        c.pointee.synthesised_slots = try wireCount(s.counts.synthesisedSlots, "success.counts.synthesised_slots")
        m.pointee.counts = c
        (m.pointee.n_reject_counts, m.pointee.reject_counts) = try encodeRejectCounts(
            s.rejectCounts, "success.reject_counts", a)
        (m.pointee.n_rejects, m.pointee.rejects) = try a.messages(s.rejects, greenstream__v1__reject_record__init) {
            p, reject in
            p.pointee.line = UInt64(clamping: reject.line)
            p.pointee.reason = .init(rawValue: numericCast(Self.wireNumber(reject.reason)))
            p.pointee.meter_id = try a.string(reject.meterID, field: "rejects.meter_id")
            p.pointee.timestamp = try a.string(reject.timestamp, field: "rejects.timestamp")
            p.pointee.reading_value = try a.string(reject.readingValue, field: "rejects.reading_value")
            p.pointee.unit = try a.string(reject.unit, field: "rejects.unit")
        }
        let r: UnsafeMutablePointer<Greenstream__V1__ReadingColumns> = a.message(greenstream__v1__reading_columns__init)
        let batch = s.readings
        (r.pointee.n_meter_id, r.pointee.meter_id) = a.copy(batch.meterID)
        (r.pointee.n_ts, r.pointee.ts) = a.copy(batch.ts)
        (r.pointee.n_kw, r.pointee.kw) = a.copy(batch.kw)
        (r.pointee.n_quality, r.pointee.quality) = a.array(batch.quality) {
            .init(rawValue: numericCast($0.rawValue) + 1)
        }
        (r.pointee.n_hour_of_day, r.pointee.hour_of_day) = a.array(batch.hourOfDay) { UInt32($0) }
        (r.pointee.n_is_peak_window, r.pointee.is_peak_window) = a.array(batch.isPeakWindow) { $0 ? 1 : 0 }
        m.pointee.readings = r
        (m.pointee.n_archive_files, m.pointee.archive_files) = try a.messages(
            s.archiveFiles, greenstream__v1__archive_file__init
        ) { p, file in
            p.pointee.utc_date = try a.string(file.utcDate, field: "archive_files.utc_date")
            p.pointee.parquet = a.bytes(file.parquet)
            p.pointee.offset = file.offset
            p.pointee.total_size = file.totalSize
        }
        return m
    }

    private func decode(_ m: UnsafeMutablePointer<Greenstream__V1__JobSuccess>) throws -> JobSuccess {
        let s = m.pointee
        let c = try required(s.counts, "success.counts").pointee
        let counts = RowCounts(
            rowsRead: try count(c.rows_read, "success.counts.rows_read"),
            measuredRows: try count(c.measured_rows, "success.counts.measured_rows"),
            interpolatedRows: try count(c.interpolated_rows, "success.counts.interpolated_rows"),
            rejectedRows: try count(c.rejected_rows, "success.counts.rejected_rows"),
            synthesisedSlots: try count(c.synthesised_slots, "success.counts.synthesised_slots"))
        let rejects = try messageList(s.n_rejects, s.rejects, limit: limits.maxRejects, "success.rejects") { p in
            guard let line = Int(exactly: p.pointee.line) else {
                throw WireError.valueOutOfRange(field: "rejects.line", value: "\(p.pointee.line)")
            }
            return Reject(
                line: line, reason: try rejectReason(p.pointee.reason, "rejects.reason"),
                meterID: try text(p.pointee.meter_id, "rejects.meter_id"),
                timestamp: try text(p.pointee.timestamp, "rejects.timestamp"),
                readingValue: try text(p.pointee.reading_value, "rejects.reading_value"),
                unit: try text(p.pointee.unit, "rejects.unit"))
        }
        let archive = try messageList(
            s.n_archive_files, s.archive_files, limit: limits.maxArchiveFiles, "success.archive_files"
        ) { p in
            let piece = bytes(p.pointee.parquet)
            let (offset, total) = (p.pointee.offset, p.pointee.total_size)
            // proto3 sends no total_size for an empty file; anything else must lie inside the file.
            let empty = total == 0 && offset == 0 && piece.isEmpty
            guard empty || (offset <= total && UInt64(piece.count) <= total - offset) else {
                throw WireError.valueOutOfRange(
                    field: "archive_files.offset", value: "\(offset)+\(piece.count) of \(total)")
            }
            return ArchiveFilePart(
                utcDate: try text(p.pointee.utc_date, "archive_files.utc_date"), parquet: piece, offset: offset,
                totalSize: total)
        }
        return JobSuccess(
            counts: counts,
            rejectCounts: try decodeRejectCounts(s.n_reject_counts, s.reject_counts, "success.reject_counts"),
            rejects: rejects, readings: try decodeReadings(s.readings), archiveFiles: archive)
    }

    private func decodeReadings(_ p: UnsafeMutablePointer<Greenstream__V1__ReadingColumns>?) throws -> ReadingBatch {
        guard let r = p?.pointee else { return ReadingBatch() }
        let counts = [r.n_meter_id, r.n_ts, r.n_kw, r.n_quality, r.n_hour_of_day, r.n_is_peak_window]
        guard counts.allSatisfy({ $0 == r.n_meter_id }) else { throw WireError.columnLengthMismatch(counts: counts) }
        let n = r.n_meter_id
        guard n <= limits.maxReadings else {
            throw WireError.tooManyElements(field: "readings", count: n, limit: limits.maxReadings)
        }
        guard n > 0 else { return ReadingBatch() }
        let quality = try list(n, r.quality, limit: n, "readings.quality") { q -> Quality in
            switch q.rawValue {
            case 1: return .measured
            case 2: return .interpolated
            default:
                throw WireError.unknownEnumValue(
                    field: "readings.quality", value: Int64(Int32(truncatingIfNeeded: q.rawValue)))
            }
        }
        let hours = try list(n, r.hour_of_day, limit: n, "readings.hour_of_day") { h -> UInt8 in
            guard h < 24 else { throw WireError.valueOutOfRange(field: "readings.hour_of_day", value: "\(h)") }
            return UInt8(h)
        }
        return ReadingBatch(
            meterID: Array(UnsafeBufferPointer(start: r.meter_id, count: n)),
            ts: Array(UnsafeBufferPointer(start: r.ts, count: n)),
            kw: Array(UnsafeBufferPointer(start: r.kw, count: n)), quality: quality, hourOfDay: hours,
            isPeakWindow: try list(n, r.is_peak_window, limit: n, "readings.is_peak_window") { $0 != 0 })
    }

    // MARK: Reject reasons

    /// Wire numbers of `greenstream.v1.RejectReason`, in order from 1.
    static let rejectReasonOrder: [RejectReason] = [
        .malformedRow, .invalidMeterID, .invalidTimestamp, .invalidValue, .invalidUnit, .duplicateReading,
        .unknownInterval,
        .negativeReading, .aboveMax, .gapTooLong, .edgeGap,
    ]

    static func wireNumber(_ reason: RejectReason) -> Int32 {
        Int32(rejectReasonOrder.firstIndex(of: reason)! + 1)
    }

    func rejectReason(_ w: Greenstream__V1__RejectReason, _ field: String) throws -> RejectReason {
        let raw = Int32(truncatingIfNeeded: w.rawValue)
        guard raw >= 1, Int(raw) <= Self.rejectReasonOrder.count else {
            throw WireError.unknownEnumValue(field: field, value: Int64(raw))
        }
        return Self.rejectReasonOrder[Int(raw) - 1]
    }

    func encodeRejectCounts(_ counts: [RejectReason: Int], _ field: String, _ a: CArena) throws
        -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Greenstream__V1__RejectCount>?>?)
    {
        try a.messages(counts.sorted { $0.key < $1.key }, greenstream__v1__reject_count__init) { p, entry in
            p.pointee.reason = .init(rawValue: numericCast(Self.wireNumber(entry.key)))
            p.pointee.count = try wireCount(entry.value, field + ".count")
        }
    }

    /// Repeated reasons add up, so a peer that splits a count loses nothing.
    func decodeRejectCounts(
        _ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<Greenstream__V1__RejectCount>?>?, _ field: String
    ) throws
        -> [RejectReason: Int]
    {
        var out: [RejectReason: Int] = [:]
        for (reason, n) in try messageList(
            n, p, limit: Self.rejectReasonOrder.count * 4, field,
            { c in
                (try rejectReason(c.pointee.reason, field + ".reason"), c.pointee.count)
            })
        {
            // A sum above Int.max is refused, never wrapped.
            let (sum, overflow) = UInt64(out[reason, default: 0]).addingReportingOverflow(n)
            out[reason] = try self.count(overflow ? .max : sum, field + ".count")
        }
        return out
    }
}
