import GreenStreamCore

/// A batch's change to `meter_hourly`: per (meter, grid hour) the exact kW sum delta (new
/// readings add their `kw::numeric`, replaced ones add new − old; see ``DecimalSum``) and the
/// count delta (new readings only), R-H-2.
struct HourlyRollup {
    var meterID: [Int64] = []
    /// Grid-hour start, Unix µs.
    var hourStart: [Int64] = []
    var kwDelta: [DecimalSum] = []
    var countDelta: [Int32] = []
    /// Groups whose rollup row may already exist: every group of a meter with stored readings in
    /// its range; otherwise only the meter's first and last group, because every other hour lies
    /// wholly inside a range that holds no stored reading.
    var candidateExisting: [Int] = []
    /// Groups whose rollup row is rewritten whole rather than adjusted: hours lying inside the
    /// range of a meter whose every stored reading there is replaced (a re-sent file). All of such
    /// an hour's readings are then this batch's, so ``total`` and ``totalCount`` are its new row.
    var rewritten: [Int] = []
    var total: [DecimalSum] = []
    var totalCount: [Int32] = []
    /// Per meter with rewritten hours: the meter and its first and last rewritten hour start.
    /// No other rollup row can lie between them (its readings would be replaced ones).
    var rewrittenRanges: [(meterID: Int64, first: Int64, last: Int64)] = []

    var count: Int { meterID.count }

    /// Rows are sorted by (meter, ts) and hour starts grow with ts, so every (meter, hour) is one
    /// contiguous run: a single pass, no hashing. Groups where every row is kept are left out.
    init(_ batch: ReadingBatch, rowHourStart: [Int64], shape: BatchShape, plan: RowPlan) {
        for m in 0..<shape.meters.count {
            let end = shape.meterStart[m + 1]
            let firstGroup = meterID.count
            let wholeRange = plan.storedPerMeter[m] > 0 && plan.replacedPerMeter[m] == plan.storedPerMeter[m]
            let firstRewritten = rewritten.count
            var i = shape.meterStart[m]
            while i < end {
                let hour = rowHourStart[i]
                var sum = DecimalSum()
                var n: Int32 = 0
                var touched = false
                let groupStart = i
                // Every grid hour's instants lie in [start, start + 1 h), whatever the zone.
                if wholeRange && hour >= shape.firstTs[m] && hour + 3_599_999_999 <= shape.lastTs[m] {
                    var t = DecimalSum()
                    while i < end && rowHourStart[i] == hour {
                        t.add(batch.kw[i])
                        i += 1
                    }
                    rewritten.append(meterID.count)
                    total.append(t)
                    totalCount.append(Int32(i - groupStart))
                    meterID.append(shape.meters[m])
                    hourStart.append(hour)
                    kwDelta.append(DecimalSum())  // unused: the row is rewritten whole
                    countDelta.append(0)
                    continue
                }
                while i < end && rowHourStart[i] == hour {
                    switch plan.actions[i] {
                    case .insert:
                        sum.add(batch.kw[i])
                        n += 1
                        touched = true
                    case .replace:
                        sum.add(batch.kw[i])
                        sum.subtract(plan.oldKw[i])
                        touched = true
                    case .keep: break
                    }
                    i += 1
                }
                guard touched else { continue }
                meterID.append(shape.meters[m])
                hourStart.append(hour)
                kwDelta.append(sum)
                countDelta.append(n)
            }
            if rewritten.count > firstRewritten {
                rewrittenRanges.append(
                    (shape.meters[m], hourStart[rewritten[firstRewritten]], hourStart[rewritten[rewritten.count - 1]]))
            }
            let lastGroup = meterID.count - 1
            guard lastGroup >= firstGroup else { continue }
            if plan.meterHasStored[m] {
                candidateExisting.append(contentsOf: firstGroup...lastGroup)
            } else {
                candidateExisting.append(firstGroup)
                if lastGroup != firstGroup { candidateExisting.append(lastGroup) }
            }
        }
    }
}
