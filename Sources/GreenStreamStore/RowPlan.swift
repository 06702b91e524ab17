import GreenStreamCore

/// What the commit does with each reading of a batch, decided by merging the batch with the
/// stored readings inside its meters' time ranges (both sorted by meter, ts) — R-H-1.
struct RowPlan {
    enum Action: UInt8 {
        /// No stored reading at this instant: insert.
        case insert
        /// A lower job id stored this instant: replace it.
        case replace
        /// A higher (or the same) job id stored this instant: keep the stored reading.
        case keep
    }

    /// One action per batch row.
    var actions: [Action]
    /// The stored kW of each replaced row (0 elsewhere), for the rollup delta.
    var oldKw: [Double]
    /// Per meter of the shape: whether any stored reading lies inside its range, which means
    /// rollup rows may exist for any of its hours, not only the first and last.
    var meterHasStored: [Bool]
    /// Per meter of the shape: stored readings inside its range, and how many of them it replaces.
    var storedPerMeter: [Int]
    var replacedPerMeter: [Int]

    var insertCount: Int { actions.reduce(0) { $0 + ($1 == .insert ? 1 : 0) } }

    /// Stored readings inside the batch ranges, columns parallel, sorted by (meter, ts).
    struct Stored {
        var meterID: [Int64] = []
        var ts: [Int64] = []
        var kw: [Double] = []
        var jobID: [Int64] = []

        func sortedByKey() -> Stored {
            let order = meterID.indices.sorted { (meterID[$0], ts[$0]) < (meterID[$1], ts[$1]) }
            return Stored(
                meterID: order.map { meterID[$0] }, ts: order.map { ts[$0] }, kw: order.map { kw[$0] },
                jobID: order.map { jobID[$0] })
        }
    }

    init(batch: ReadingBatch, shape: BatchShape, stored: Stored, jobID: Int64) {
        actions = [Action](repeating: .insert, count: batch.count)
        oldKw = [Double](repeating: 0, count: batch.count)
        meterHasStored = [Bool](repeating: false, count: shape.meters.count)
        storedPerMeter = [Int](repeating: 0, count: shape.meters.count)
        replacedPerMeter = [Int](repeating: 0, count: shape.meters.count)
        var s = 0
        for m in 0..<shape.meters.count {
            let meter = shape.meters[m]
            while s < stored.meterID.count && stored.meterID[s] < meter { s += 1 }
            guard s < stored.meterID.count && stored.meterID[s] == meter else { continue }
            meterHasStored[m] = true
            let firstStored = s
            var i = shape.meterStart[m]
            let end = shape.meterStart[m + 1]
            while i < end && s < stored.meterID.count && stored.meterID[s] == meter {
                let batchTs = batch.ts[i]
                let storedTs = stored.ts[s]
                if batchTs < storedTs {
                    i += 1
                } else if storedTs < batchTs {
                    s += 1
                } else {
                    if stored.jobID[s] < jobID {
                        actions[i] = .replace
                        oldKw[i] = stored.kw[s]
                        replacedPerMeter[m] += 1
                    } else {
                        actions[i] = .keep
                    }
                    i += 1
                    s += 1
                }
            }
            while s < stored.meterID.count && stored.meterID[s] == meter { s += 1 }
            storedPerMeter[m] = s - firstStored
        }
    }
}
