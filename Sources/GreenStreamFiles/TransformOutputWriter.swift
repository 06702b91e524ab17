// What `greenstream transform` does for one input, as a library so tests and tools use it without
// the executable: read the landed file (size check first), transform it, write its outputs.
import Foundation
import GreenStreamArchive
import GreenStreamCore

/// What the transform writes for each input.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// `DIR/<name>/readings.csv` and `DIR/<name>/rejects.csv`.
    case csv
    /// The R-P-1 archive `DIR/archive/readings/date=…/part-<job_id>.parquet` and `DIR/<name>/rejects.csv`.
    case parquet
}

/// Output files could not be written (or the input read): not a property of the input's contents.
public struct OutputWriteError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Reads one input file, runs the core, writes `rejects.csv` and the readings as CSV or as the Parquet archive.
public enum TransformOutputWriter {
    /// Transforms the file at `path` and writes its outputs under `outDir`.
    /// - Parameters:
    ///   - format: `csv` writes `DIR/<name>/readings.csv`; `parquet` writes `DIR/archive/readings/date=…/part-<jobID>.parquet`.
    ///   - lease: the job and attempt recorded in Parquet files (the CLI: the input's position, attempt 1).
    /// - Returns: the output and the archive files written.
    /// - Throws: `FileFailure` for a permanent failure (nothing written), ``OutputWriteError`` when the
    ///   input cannot be read or an output cannot be written.
    public static func transform(
        path: String, with transformer: Transformer, outDir: String, format: OutputFormat = .csv,
        lease: JobLease = JobLease(jobID: 1, attempt: 1)
    ) throws -> (output: TransformOutput, archiveFiles: [String]) {
        let bytes: [UInt8]
        do { bytes = try LandedFile.read(path: path, maxBytes: transformer.config.maxFileBytes) } catch let error
            as LandedFileError
        {
            // The caller names the path already.
            throw OutputWriteError(description: "cannot read: \(error.reason)")
        }
        let output = try transformer.transform(bytes)
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent.hasSuffix(".csv")
            ? String(url.lastPathComponent.dropLast(4)) : url.lastPathComponent
        let dir = URL(fileURLWithPath: outDir).appendingPathComponent(name)
        var archiveFiles: [String] = []
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            switch format {
            case .csv:
                try Data(output.readingsCSV()).write(to: dir.appendingPathComponent("readings.csv"), options: .atomic)
            case .parquet:
                let source = try ArchiveSource(fileName: url.lastPathComponent, contents: bytes)
                archiveFiles = try ArchiveWriter(dataDirectory: outDir).write(
                    lease: lease, batch: output.readings, source: source)
            }
            try Data(output.rejectsCSV()).write(to: dir.appendingPathComponent("rejects.csv"), options: .atomic)
        } catch let error as ArchiveError {
            throw OutputWriteError(description: "cannot write the Parquet archive: \(error)")
        } catch {
            throw OutputWriteError(description: "cannot write output: \(error.localizedDescription)")
        }
        return (output, archiveFiles)
    }
}
