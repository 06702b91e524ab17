import GreenStreamCore

/// Per UTC day of a batch: its readings and its distinct meters (lower bounds of the rows the
/// day's readings and meter_hourly partitions hold once the batch is committed).
struct ReadingBatchDays {
    struct Day {
        /// `YYYYMMDD`, as in the partition names.
        var name: String
        var readings: Int
        var meters: Int
    }

    var days: [Day] = []

    init(_ batch: ReadingBatch) {
        var readings: [Int64: Int] = [:]
        var meters: [Int64: Int] = [:]
        var lastMeter: [Int64: Int64] = [:]
        for i in 0..<batch.count {
            let day = HotStoreRetention.floorDiv(batch.ts[i], HotStoreRetention.microsPerDay)
            readings[day, default: 0] += 1
            // Rows come sorted by meter (BatchShape checks it), so a new meter shows as a change.
            if lastMeter[day] != batch.meterID[i] {
                meters[day, default: 0] += 1
                lastMeter[day] = batch.meterID[i]
            }
        }
        days = readings.keys.sorted().map { day in
            Day(
                name: HotStoreRetention.dayString(day).replacingOccurrences(of: "-", with: ""),
                readings: readings[day] ?? 0, meters: meters[day] ?? 0)
        }
    }
}
