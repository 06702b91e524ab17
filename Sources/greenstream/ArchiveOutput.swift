import ArgumentParser
import Crypto
import GreenStreamArchive
import GreenStreamCore

/// What `greenstream transform` writes for each input.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// `DIR/<name>/readings.csv` and `DIR/<name>/rejects.csv`.
    case csv
    /// The R-P-1 archive `DIR/archive/readings/date=…/part-<job_id>.parquet` and `DIR/<name>/rejects.csv`.
    case parquet
}

/// Writes one transformed input into the cold-archive layout under the output directory.
enum ArchiveOutput {
    /// Writes the job's Parquet files (stage, publish, finalize) and returns their paths.
    /// - Parameters:
    ///   - readings: the input's clean readings.
    ///   - sourceBytes: the input file's bytes, for the SHA-256 in the footer (R-P-3).
    ///   - fileName: the input's file name.
    ///   - jobID: the input's position on the command line, from 1.
    ///   - outDir: the directory that receives `archive/`.
    static func write(readings: ReadingBatch, sourceBytes: [UInt8], fileName: String, jobID: Int64, outDir: String)
        throws -> [String]
    {
        let digest = SHA256.hash(data: sourceBytes)
        let hex = digest.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
        let source = try ArchiveSource(fileName: fileName, sha256: hex)
        return try ArchiveWriter(dataDirectory: outDir).write(jobID: jobID, batch: readings, source: source)
    }
}
