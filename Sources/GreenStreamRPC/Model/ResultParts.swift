import GreenStreamCore

/// Splits a job result that is too large for one message into parts (see
/// `ReportResultRequest` in worker.proto), so a worker never sends more than the
/// coordinator's receive limit. ``ResultAssembler`` puts the parts back together.
public enum ResultParts {
    /// Upper bounds on the packed size of the pieces of a result, in bytes. They are
    /// pessimistic (largest varints), so a part built from them never exceeds its budget.
    /// `fixedOverhead` covers the envelope: request header (token and ids up to ~3 KiB),
    /// job reference and row counts.
    static let bytesPerReading = 31
    static let bytesPerRejectOverhead = 48
    static let bytesPerFilePieceOverhead = 64
    static let fixedOverhead = 4096

    /// The parts of `request`, each packing to at most `maxPartBytes` bytes.
    ///
    /// A failure, or a success that fits, is returned as the single part it is.
    /// - Parameters:
    ///   - request: the whole result (`part` 0, `partCount` 1).
    ///   - maxPartBytes: the coordinator's receive limit (`RegisterWorkerReply.max_request_bytes`);
    ///     at least 64 KiB.
    public static func split(_ request: ReportResultRequest, maxPartBytes: Int) -> [ReportResultRequest] {
        precondition(maxPartBytes >= 64 << 10, "ResultParts.split: maxPartBytes must be at least 64 KiB")
        guard case .success(let whole) = request.outcome else { return [request] }
        let budget = maxPartBytes - fixedOverhead - request.workerID.utf8.count - whole.rejectCounts.count * 32
        var parts: [JobSuccess] = []
        var current = JobSuccess(
            counts: whole.counts, rejectCounts: whole.rejectCounts, rejects: [], readings: ReadingBatch(),
            archiveFiles: [])
        var used = 0

        func startNewPart() {
            parts.append(current)
            current = JobSuccess(
                counts: RowCounts(
                    rowsRead: 0, measuredRows: 0, interpolatedRows: 0, rejectedRows: 0, synthesisedSlots: 0),
                rejectCounts: [:], rejects: [], readings: ReadingBatch(), archiveFiles: [])
            used = 0
        }

        for reject in whole.rejects {
            let size =
                bytesPerRejectOverhead + reject.meterID.utf8.count + reject.timestamp.utf8.count
                + reject.readingValue.utf8.count + reject.unit.utf8.count
            if used + size > budget, used > 0 { startNewPart() }
            current.rejects.append(reject)
            used += size
        }
        var row = 0
        let rows = whole.readings.count
        while row < rows {
            if budget - used < bytesPerReading { startNewPart() }
            let take = min(rows - row, (budget - used) / bytesPerReading)
            current.readings = slice(whole.readings, row..<(row + take))
            used += take * bytesPerReading
            row += take
        }
        for file in whole.archiveFiles {
            var offset = 0
            repeat {
                if budget - used < bytesPerFilePieceOverhead + 1, used > 0 { startNewPart() }
                let room = budget - used - bytesPerFilePieceOverhead - file.utcDate.utf8.count
                let take = min(file.parquet.count - offset, room)
                current.archiveFiles.append(
                    ArchiveFilePart(
                        utcDate: file.utcDate, parquet: Array(file.parquet[offset..<(offset + take)]),
                        offset: file.offset + UInt64(offset), totalSize: file.totalSize))
                used += bytesPerFilePieceOverhead + file.utcDate.utf8.count + take
                offset += take
            } while offset < file.parquet.count
        }
        parts.append(current)
        let count = UInt32(parts.count)
        return parts.enumerated().map { i, success in
            ReportResultRequest(
                workerID: request.workerID, job: request.job, outcome: .success(success), part: UInt32(i),
                partCount: count)
        }
    }

    static func slice(_ batch: ReadingBatch, _ range: Range<Int>) -> ReadingBatch {
        ReadingBatch(
            meterID: Array(batch.meterID[range]), ts: Array(batch.ts[range]), kw: Array(batch.kw[range]),
            quality: Array(batch.quality[range]), hourOfDay: Array(batch.hourOfDay[range]),
            isPeakWindow: Array(batch.isPeakWindow[range]))
    }
}
