import ArgumentParser
import Foundation
import GreenStreamCore
import GreenStreamFiles

/// `greenstream transform FILE… --out DIR`: runs T1, T2 and the features locally.
struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Transform meter CSV files into clean readings and rejects.",
        discussion: """
            For each FILE writes DIR/<name>/readings.csv \
            (meter_id,ts,kw,quality,hour_of_day,is_peak_window) and DIR/<name>/rejects.csv \
            (line,reason,meter_id,timestamp,reading_value,unit). Rejected rows are normal. \
            A file that fails permanently (too_large, no_header, not_text, missing_column:<name>) \
            gets no output; the exit status is then 1, after every other file is done. \
            With --format parquet the readings go instead to the Hive-partitioned archive \
            DIR/archive/readings/date=YYYY-MM-DD/part-<job_id>.parquet (snappy, one file per input \
            and UTC date), where the inputs are jobs 1, 2, … in command-line order.
            """
    )

    @Argument(help: "Input CSV files.")
    var files: [String]

    @Option(name: .long, help: "Output directory.")
    var out: String

    @Option(name: .long, help: "Readings format: csv (DIR/<name>/readings.csv) or parquet (DIR/archive/readings/…).")
    var format: OutputFormat = .csv

    @Option(name: .customLong("source-tz"), help: "Zone of timestamps without an offset: UTC, +05:30, or an IANA name.")
    var sourceTZ = "UTC"

    @Option(name: .customLong("grid-tz"), help: "Zone of hour_of_day and the peak window.")
    var gridTZ = "UTC"

    @Option(name: .customLong("max-kw"), parsing: .unconditional, help: "Readings above this many kW are outliers (above_max).")
    var maxKW = TransformConfig.defaultMaxKW

    @Option(name: .customLong("max-gap"), help: "Largest hole between valid readings that is filled, e.g. 2h, 90m.")
    var maxGap = "2h"

    @Option(name: .customLong("peak-window"), help: "Tariff peak hours START-END, [start, end), e.g. 17-21 or 22-6.")
    var peakWindow = "17-21"

    @Option(name: .customLong("max-file-size"), parsing: .unconditional, help: "Files larger than this many bytes fail with too_large.")
    var maxFileSize = TransformConfig.defaultMaxFileBytes

    func makeConfig() throws -> TransformConfig {
        do {
            let config = TransformConfig(
                sourceTimeZone: try ZoneRules(named: sourceTZ),
                gridTimeZone: try ZoneRules(named: gridTZ),
                maxKW: maxKW,
                maxGapMicros: try TransformConfig.parseDuration(maxGap),
                peakWindow: try PeakWindow(parsing: peakWindow),
                maxFileBytes: maxFileSize)
            try config.validate()
            return config
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let transformer = Transformer(config: try makeConfig())
        var failures = 0
        for (index, path) in files.enumerated() {
            do {
                // Each input is job <position>, attempt 1: the CLI runs every job once.
                let (output, archiveFiles) = try TransformOutputWriter.transform(
                    path: path, with: transformer, outDir: out, format: format,
                    lease: JobLease(jobID: Int64(index + 1), attempt: 1))
                print("\(path): \(output.summary)")
                for file in archiveFiles { print("\(path): wrote \(file)") }
            } catch let failure as FileFailure {
                failures += 1
                printError("\(path): permanent failure: \(failure.reason)")
            } catch {
                failures += 1
                printError("\(path): \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func printError(_ line: String) {
        FileHandle.standardError.write(Data(("greenstream: " + line + "\n").utf8))
    }
}
