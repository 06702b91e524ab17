// One job, start to finish, as a plain blocking function: bytes → T1–T3 → the result to report.
// The executor runs it on a thread of its own (OffPoolThread), never on Swift's task threads.
import GreenStreamArchive
import GreenStreamCore
import GreenStreamFiles
import GreenStreamRPC

/// Runs one leased job: reads its bytes (inline, or `sourcePath` on the shared volume), runs
/// the transform with the job's settings and encodes the archive files (R-P-1…R-P-3).
///
/// It never throws: every way a job can go wrong becomes a ``JobFailure`` — permanent with the
/// spec's reason for a bad file (R-IN-3), retryable with a short cause for anything else.
public enum JobRunner {
    /// Retryable failure causes, as sent in `JobFailure.reason`.
    public enum Cause {
        /// The job's TransformSettings cannot be used (a coordinator configuration problem).
        public static let badSettings = "bad_settings"
        /// The assignment itself is unusable (no digest, neither content nor path).
        public static let badAssignment = "bad_assignment"
        /// `sourcePath` could not be read.
        public static let readFailed = "read_failed"
        /// The readings could not be encoded as Parquet.
        public static let encodeFailed = "encode_failed"
    }

    /// Runs `assignment`.
    /// - Parameters:
    ///   - assignment: the leased job.
    ///   - stage: called as the job enters each stage (for heartbeats).
    /// - Returns: the success payload or the failure to report.
    public static func run(_ assignment: JobAssignment, stage: (JobStage) -> Void = { _ in })
        -> ReportResultRequest.Outcome
    {
        stage(.reading)
        let config: TransformConfig
        do {
            config = try assignment.settings.transformConfig()
        } catch {
            return .failure(JobFailure(kind: .retryable, reason: Cause.badSettings, message: error.description))
        }
        let source: ArchiveSource
        do {
            source = try ArchiveSource(fileName: assignment.fileName, sha256: assignment.fileSHA256)
        } catch {
            return .failure(JobFailure(kind: .retryable, reason: Cause.badAssignment, message: "\(error)"))
        }
        let bytes: [UInt8]
        do {
            bytes = try read(assignment, maxBytes: config.maxFileBytes)
        } catch {
            return .failure(error.failure)
        }

        stage(.transforming)
        let output: TransformOutput
        do {
            output = try Transformer(config: config).transform(bytes)
        } catch {
            return .failure(JobFailure(error))
        }

        stage(.encoding)
        let files: [ArchiveFile]
        do {
            files = try ArchiveFile.encode(lease: assignment.job, batch: output.readings, source: source)
        } catch {
            return .failure(JobFailure(kind: .retryable, reason: Cause.encodeFailed, message: "\(error)"))
        }
        return .success(success(output, files: files))
    }

    /// The job's bytes: inline content, the file at `sourcePath`, or an empty file.
    static func read(_ assignment: JobAssignment, maxBytes: Int) throws(ReadFailure) -> [UInt8] {
        // An empty file travels as empty content and no path (R-IN-3 then says no_header).
        if !assignment.content.isEmpty || assignment.sourcePath.isEmpty { return assignment.content }
        do {
            return try LandedFile.read(path: assignment.sourcePath, maxBytes: maxBytes)
        } catch let failure as FileFailure {
            throw ReadFailure(failure: JobFailure(failure))
        } catch {
            throw ReadFailure(failure: JobFailure(kind: .retryable, reason: Cause.readFailed, message: "\(error)"))
        }
    }

    /// A job whose bytes could not be had.
    struct ReadFailure: Error {
        var failure: JobFailure
    }

    /// The wire result of a transform: counts (R-IN-7), rejects, readings and archive files.
    public static func success(_ output: TransformOutput, files: [ArchiveFile]) -> JobSuccess {
        JobSuccess(
            counts: RowCounts(
                rowsRead: output.dataRowCount, measuredRows: output.measuredCount,
                interpolatedRows: output.interpolatedRowCount, rejectedRows: output.rejects.count,
                synthesisedSlots: output.interpolatedCount - output.interpolatedRowCount),
            rejectCounts: output.rejectCounts, rejects: output.rejects, readings: output.readings,
            archiveFiles: files.map(ArchiveFilePart.init))
    }
}

extension ArchiveFilePart {
    /// The whole encoded file of one UTC date, as sent on the wire.
    public init(_ file: ArchiveFile) {
        self.init(utcDate: file.date.description, parquet: file.bytes)
    }
}
