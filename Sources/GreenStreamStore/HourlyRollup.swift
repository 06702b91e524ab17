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

    var count: Int { meterID.count }

    /// Rows are sorted by (meter, ts) and hour starts grow with ts, so every (meter, hour) is one
    /// contiguous run: a single pass, no hashing. Groups where every row is kept are left out.
    init(_ batch: ReadingBatch, rowHourStart: [Int64], shape: BatchShape, plan: RowPlan) {
        for m in 0..<shape.meters.count {
            let end = shape.meterStart[m + 1]
            let firstGroup = meterID.count
            var i = shape.meterStart[m]
            while i < end {
                let hour = rowHourStart[i]
                var sum = DecimalSum()
                var n: Int32 = 0
                var touched = false
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
