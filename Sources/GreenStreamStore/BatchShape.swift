import GreenStreamCore

/// What the commit needs to know about a batch before touching the database, computed in one
/// pass that also validates it: per-meter time ranges (to test for collisions with a few index
/// probes instead of one per reading) and the distinct instants (whose grid hours PostgreSQL
/// computes once each, with its own time zone database).
struct BatchShape {
    /// Meters in ascending order, with the first and last instant (Unix µs) of each.
    var meters: [Int64] = []
    var firstTs: [Int64] = []
    var lastTs: [Int64] = []
    /// Row index where each meter's run starts, plus the batch count at the end.
    var meterStart: [Int] = []
    /// Distinct instants, ascending.
    var distinctTs: [Int64] = []

    /// - Throws: ``HotStoreError`` naming the first bad reading.
    init(_ batch: ReadingBatch) throws(HotStoreError) {
        var seen = Set<Int64>()
        for i in 0..<batch.count {
            let meter = batch.meterID[i]
            let ts = batch.ts[i]
            guard meter >= 1 else { throw .invalidMeterID(index: i) }
            guard batch.kw[i].isFinite else { throw .nonFiniteValue(index: i) }
            guard batch.hourOfDay[i] < 24 else { throw .invalidHourOfDay(index: i) }
            if let last = meters.last, meter == last {
                guard ts > lastTs[lastTs.count - 1] else { throw .readingsNotStrictlySorted(index: i) }
                lastTs[lastTs.count - 1] = ts
            } else {
                if let last = meters.last, meter < last { throw .readingsNotStrictlySorted(index: i) }
                meters.append(meter)
                firstTs.append(ts)
                lastTs.append(ts)
                meterStart.append(i)
            }
            seen.insert(ts)
        }
        meterStart.append(batch.count)
        distinctTs = seen.sorted()
    }
}

/// A batch's contribution to `meter_hourly`: sum and count of kW per (meter, grid hour).
struct HourlyRollup {
    var meterID: [Int64] = []
    /// Grid-hour start, Unix µs.
    var hourStart: [Int64] = []
    var kwSum: [Double] = []
    var readings: [Int32] = []
    /// For each meter of the shape, the index of its first and last group (the only groups whose
    /// rows can already exist when none of the meter's instants in range are stored).
    var boundaryGroups: [Int] = []

    var count: Int { meterID.count }

    /// Groups rows by (meter, hour). Rows are sorted by (meter, ts) and hour starts grow with ts,
    /// so every group is one contiguous run: a single pass, no hashing.
    init(_ batch: ReadingBatch, rowHourStart: [Int64], shape: BatchShape) {
        for m in 0..<shape.meters.count {
            let start = shape.meterStart[m]
            let end = shape.meterStart[m + 1]
            boundaryGroups.append(meterID.count)
            var i = start
            while i < end {
                let hour = rowHourStart[i]
                var sum = 0.0
                var n: Int32 = 0
                while i < end && rowHourStart[i] == hour {
                    sum += batch.kw[i]
                    n += 1
                    i += 1
                }
                meterID.append(shape.meters[m])
                hourStart.append(hour)
                kwSum.append(sum)
                readings.append(n)
            }
            if meterID.count - 1 != boundaryGroups[boundaryGroups.count - 1] { boundaryGroups.append(meterID.count - 1) }
        }
    }
}
