// Counts the rows of quarantine/rejects/<job_id>.csv per reason. Each file is the core's rejects
// CSV: a header, then `line,reason,meter_id,timestamp,value,unit` with RFC-4180 quoting of the raw
// fields (which may hold commas, quotes and line breaks), so records are split by a small state
// machine, not by lines.
import Foundation

enum RejectFiles {
    /// Rows per reason over every `*.csv` directly in `dataDirectory/quarantine/rejects`, and the file count.
    static func count(dataDirectory: String) throws -> (reasons: [String: Int], files: Int) {
        let dir = dataDirectory + "/quarantine/rejects"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }
        var reasons: [String: Int] = [:]
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            for (reason, n) in countReasons(bytes) { reasons[reason, default: 0] += n }
        }
        return (reasons, names.count)
    }

    /// Reasons (second field) of every record after the header.
    static func countReasons(_ bytes: [UInt8]) -> [String: Int] {
        var reasons: [String: Int] = [:]
        var record = 0
        var field = 0
        var inQuotes = false
        var current: [UInt8] = []
        var i = 0
        var reason: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 { i += 1 } else { inQuotes = false }
                }
            } else if b == 0x22 {
                inQuotes = true
            } else if b == 0x2C {
                if field == 1 { reason = current }
                field += 1
                current = []
            } else if b == 0x0A {
                if field == 1 { reason = current }
                if record > 0 && field >= 1 { reasons[String(decoding: reason, as: UTF8.self), default: 0] += 1 }
                record += 1
                field = 0
                current = []
                reason = []
            } else if field == 1 && b != 0x0D {
                current.append(b)
            }
            i += 1
        }
        if field >= 1 && record > 0 {
            if field == 1 { reason = current }
            reasons[String(decoding: reason, as: UTF8.self), default: 0] += 1
        }
        return reasons
    }
}
