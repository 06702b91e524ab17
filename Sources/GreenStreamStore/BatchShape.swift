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
