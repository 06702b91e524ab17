import Foundation
import GreenStreamCore

/// Reads one input file, runs the core, writes `readings.csv` and `rejects.csv`.
enum OutputWriter {
    struct IOFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// - Throws: `FileFailure` for a permanent failure (nothing written), `IOFailure` when a file cannot be read or written.
    static func transform(path: String, with transformer: Transformer, outDir: String) throws -> TransformOutput {
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
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(output.readingsCSV()).write(to: dir.appendingPathComponent("readings.csv"), options: .atomic)
            try Data(output.rejectsCSV()).write(to: dir.appendingPathComponent("rejects.csv"), options: .atomic)
        } catch {
            throw IOFailure(description: "cannot write output: \(error.localizedDescription)")
        }
        return output
    }
}
