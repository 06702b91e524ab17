import GreenStreamCore

/// Why the parts of a result do not make a whole.
public enum ResultAssemblyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The part belongs to another job or attempt than the assembler's.
    case wrongJob(expected: JobLease, got: JobLease)
    /// `part_count` differs from the first part's, or `part` is not below it.
    case inconsistentParts(part: UInt32, partCount: UInt32, expectedCount: UInt32)
    /// Parts of a multi-part result must all be successes.
    case notASuccess(part: UInt32)
    /// The byte ranges of an archive file leave gaps or overlap, or do not add up.
    case brokenArchiveFile(utcDate: String)

    public var description: String {
        switch self {
        case .wrongJob(let expected, let got):
            "part for job \(got.jobID) attempt \(got.attempt) given to the result of job \(expected.jobID) attempt \(expected.attempt)"
        case .inconsistentParts(let part, let count, let expected):
            "part \(part) of \(count) does not fit a result of \(expected) parts"
        case .notASuccess(let part): "part \(part) of a multi-part result is not a success"
        case .brokenArchiveFile(let date): "the pieces of the archive file for \(date) do not form the whole file"
        }
    }
}

/// Collects the parts of one job attempt's result (``ResultParts``) in any order
/// and yields the whole ``JobSuccess`` once every part is in. A repeated part
/// replaces the earlier copy (resends carry the same content).
public struct ResultAssembler: Sendable {
    public let job: JobLease
    public let partCount: UInt32
    private var parts: [UInt32: JobSuccess] = [:]

    /// Starts from the first part received.
    public init(first: ReportResultRequest) {
        job = first.job
        partCount = max(1, first.partCount)
    }

    /// Parts received so far.
    public var received: Int { parts.count }

    /// Adds a part.
    /// - Returns: the whole result when this was the last missing part, else `nil`.
    /// - Throws: ``ResultAssemblyError`` for a part that does not belong or does not fit.
    public mutating func add(_ part: ReportResultRequest) throws -> JobSuccess? {
        guard part.job == job else { throw ResultAssemblyError.wrongJob(expected: job, got: part.job) }
        guard max(1, part.partCount) == partCount, part.part < partCount else {
            throw ResultAssemblyError.inconsistentParts(
                part: part.part, partCount: part.partCount, expectedCount: partCount)
        }
        guard case .success(let success) = part.outcome else { throw ResultAssemblyError.notASuccess(part: part.part) }
        parts[part.part] = success
        guard parts.count == Int(partCount) else { return nil }
        return try assemble()
    }

    private func assemble() throws -> JobSuccess {
        var whole = parts[0]!
        whole.archiveFiles = []
        var pieces = parts[0]!.archiveFiles
        for index in 1..<partCount {
            let part = parts[index]!
            whole.rejects += part.rejects
            whole.readings.meterID += part.readings.meterID
            whole.readings.ts += part.readings.ts
            whole.readings.kw += part.readings.kw
            whole.readings.quality += part.readings.quality
            whole.readings.hourOfDay += part.readings.hourOfDay
            whole.readings.isPeakWindow += part.readings.isPeakWindow
            pieces += part.archiveFiles
        }
        for piece in pieces {
            if var last = whole.archiveFiles.last, last.utcDate == piece.utcDate,
                UInt64(last.parquet.count) < last.totalSize
            {
                guard piece.offset == UInt64(last.parquet.count), piece.totalSize == last.totalSize else {
                    throw ResultAssemblyError.brokenArchiveFile(utcDate: piece.utcDate)
                }
                last.parquet += piece.parquet
                whole.archiveFiles[whole.archiveFiles.count - 1] = last
            } else {
                guard piece.offset == 0 else { throw ResultAssemblyError.brokenArchiveFile(utcDate: piece.utcDate) }
                whole.archiveFiles.append(piece)
            }
        }
        for file in whole.archiveFiles where !file.isWhole {
            throw ResultAssemblyError.brokenArchiveFile(utcDate: file.utcDate)
        }
        return whole
    }
}
