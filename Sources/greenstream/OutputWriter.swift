import Foundation
import GreenStreamArchive
import GreenStreamCore

/// Reads one input file, runs the core, writes `rejects.csv` and the readings as CSV or as the Parquet archive.
enum OutputWriter {
    struct IOFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// - Throws: `FileFailure` for a permanent failure (nothing written), `IOFailure` when a file cannot be read or written.
    /// - Parameters:
    ///   - format: `csv` writes `DIR/<name>/readings.csv`; `parquet` writes `DIR/archive/readings/date=…/part-<jobID>.parquet`.
    ///   - jobID: the job id recorded in Parquet files (the input's position on the command line).
    static func transform(
        path: String, with transformer: Transformer, outDir: String, format: OutputFormat = .csv, jobID: Int64 = 1
    ) throws -> (output: TransformOutput, archiveFiles: [String]) {
        let url = URL(fileURLWithPath: path)
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw IOFailure(description: "cannot read: \(error.localizedDescription)")
        }
        // Check the limit before reading, so a huge file is never loaded (R-IN-3).
        if let size = attributes[.size] as? Int, size > transformer.config.maxFileBytes {
            throw FileFailure.tooLarge
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw IOFailure(description: "cannot read: \(error.localizedDescription)")
        }
        let output = try transformer.transform([UInt8](data))
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
                archiveFiles = try ArchiveOutput.write(
                    readings: output.readings, sourceBytes: [UInt8](data), fileName: url.lastPathComponent, jobID: jobID,
                    outDir: outDir)
            }
            try Data(output.rejectsCSV()).write(to: dir.appendingPathComponent("rejects.csv"), options: .atomic)
        } catch let error as ArchiveError {
            throw IOFailure(description: "cannot write the Parquet archive: \(error)")
        } catch {
            throw IOFailure(description: "cannot write output: \(error.localizedDescription)")
        }
        return (output, archiveFiles)
    }
}
