import Foundation
import GreenStreamCore
import GreenStreamStore

/// bench-growth's command line.
struct GrowthOptions {
    /// Days of fleet data committed, one after the other.
    var days = 4
    var meters = 200_000
    /// Files per day; each holds `meters / filesPerDay` meters for the whole day, ordered by meter.
    var filesPerDay = 20
    var intervalMinutes = 15
    /// Timed runs of each dashboard query (after one untimed warm-up); the median is reported.
    var queryRuns = 9
    /// First UTC day of data, "YYYY-MM-DD"; default: `days` days before today, so the last day
    /// committed is yesterday and "the last 24 hours" means what it does on a live store.
    var startDay: String?
    var csvPath = "out/bench-growth.csv"
    var schemas: Set<String> = ["reference", "partitioned"]
    /// fsync, synchronous_commit and full_page_writes on for a server this run starts (as in production).
    var durable = true
    /// Where a server this run starts keeps its data (when GS_PG_URL is not set).
    var pgDirectory = "/tmp/greenstream-bench-growth-\(getpid())"

    static let usage = """
        usage: bench-growth [--days N] [--meters N] [--files-per-day N] [--interval-minutes 5|15|30|60]
                            [--query-runs N] [--start-day YYYY-MM-DD] [--csv PATH]
                            [--schemas reference,partitioned] [--no-fsync] [--pg-dir DIR]
        """

    init(_ arguments: [String]) throws {
        var i = 1
        func value() throws -> String {
            guard i + 1 < arguments.count else { throw GrowthFailure("\(arguments[i]) needs a value\n\(Self.usage)") }
            i += 1
            return arguments[i]
        }
        func positive() throws -> Int {
            let text = try value()
            guard let n = Int(text), n > 0 else {
                throw GrowthFailure("\(arguments[i - 1]) \(text): a positive integer")
            }
            return n
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--days": days = try positive()
            case "--meters": meters = try positive()
            case "--files-per-day": filesPerDay = try positive()
            case "--interval-minutes": intervalMinutes = try positive()
            case "--query-runs": queryRuns = try positive()
            case "--start-day": startDay = try value()
            case "--csv": csvPath = try value()
            case "--schemas": schemas = Set(try value().split(separator: ",").map(String.init))
            case "--no-fsync": durable = false
            case "--pg-dir": pgDirectory = try value()
            case "-h", "--help": throw GrowthFailure(Self.usage)
            default: throw GrowthFailure("unknown option \(arguments[i])\n\(Self.usage)")
            }
            i += 1
        }
        guard [5, 15, 30, 60].contains(intervalMinutes) else {
            throw GrowthFailure("--interval-minutes: 5, 15, 30 or 60")
        }
        guard filesPerDay <= meters else { throw GrowthFailure("--files-per-day must not exceed --meters") }
        guard !schemas.isEmpty, schemas.isSubset(of: ["reference", "partitioned"]) else {
            throw GrowthFailure("--schemas: reference, partitioned or both (comma-separated)")
        }
        if let startDay, UTCDay.parse(startDay) == nil { throw GrowthFailure("--start-day \(startDay): YYYY-MM-DD") }
    }
}

struct GrowthFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// UTC days as unix seconds at midnight, and back to "YYYY-MM-DD".
enum UTCDay {
    static func parse(_ text: String) -> Int64? {
        HotStoreRetention.dayNumber(text).map { $0 * 86_400 }
    }

    static func format(_ seconds: Int64) -> String {
        HotStoreRetention.dayString(CivilTime.floorDiv(seconds, 86_400))
    }

    static func today() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970)
        return now - now % 86_400
    }
}
