// What a run measured and found, printed for people (ending in `verdict: …`) or as one JSON object.
import Foundation

/// Landing → committed latency percentiles, milliseconds.
public struct LatencyFigures: Sendable, Codable {
    public var jobs: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double
}

/// Everything a run reports.
public struct LoadTestReport: Sendable, Codable {
    public var meters: Int
    public var hours: Int
    public var intervalMinutes: Int
    public var seed: UInt64
    public var files: Int
    public var route: String
    /// Rows `readings` must hold at the end (the fleet's expectation).
    public var expectedHotReadings: Int
    /// Readings committed by succeeded jobs (corrections re-sent count again).
    public var committedReadings: Int64
    /// First landing → last job finished, seconds.
    public var elapsedSeconds: Double
    /// committedReadings / elapsedSeconds.
    public var readingsPerSecond: Double
    public var latency: LatencyFigures?
    /// Peak resident memory (VmHWM) per cluster process at the end, bytes; a restarted process counts from its restart.
    public var peakMemoryBytes: [String: Int64]
    public var chaos: [ChaosEvent]?
    /// Plain binary COPY of the final rows into a scratch table: seconds and rows/s.
    public var copyBaselineSeconds: Double?
    public var copyBaselineRowsPerSecond: Double?
    public var copyBaselineRows: Int?
    public var checked: [String: Int]
    public var mismatchCount: Int
    public var mismatches: [String]
    public var verdict: String

    /// The human report; the last line is `verdict: PASS` or `verdict: FAIL (<n> mismatches)`.
    public func text() -> String {
        var lines: [String] = []
        lines.append("fleet: \(meters) meters × \(hours) h every \(intervalMinutes) min, seed \(seed), \(files) files via \(route)")
        lines.append("readings: \(expectedHotReadings) expected in the hot store, \(committedReadings) committed by jobs")
        lines.append(String(format: "throughput: %.0f readings/s end to end (%.1f s from first landing to last commit)",
                            readingsPerSecond, elapsedSeconds))
        if let b = copyBaselineSeconds, let r = copyBaselineRowsPerSecond, let n = copyBaselineRows {
            lines.append(String(format: "copy baseline: %d rows in %.2f s = %.0f rows/s (end to end is %.2f× of it)",
                                n, b, r, r > 0 ? readingsPerSecond / r : 0))
        }
        if let l = latency {
            lines.append(String(format: "latency landing→committed (%d jobs): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms",
                                l.jobs, l.p50, l.p90, l.p99, l.max))
        }
        for name in peakMemoryBytes.keys.sorted() {
            lines.append("peak memory \(name): " + String(format: "%.1f MiB", Double(peakMemoryBytes[name]!) / 1_048_576))
        }
        if let chaos {
            lines.append("faults injected: \(chaos.count)")
            for e in chaos {
                lines.append(
                    String(format: "  at %.1f s: ", e.at) + "\(e.fault) (pid \(e.pid)), back after "
                        + String(format: "%.1f s", e.downSeconds) + (e.error.isEmpty ? "" : " — " + e.error))
            }
        }
        for key in checked.keys.sorted() { lines.append("checked \(key): \(checked[key]!)") }
        if !mismatches.isEmpty {
            lines.append("first mismatches:")
            for m in mismatches.prefix(40) { lines.append("  " + m) }
        }
        lines.append("verdict: \(verdict)")
        return lines.joined(separator: "\n")
    }

    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
