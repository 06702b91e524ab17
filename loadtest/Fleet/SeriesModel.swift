/// The spec's T1 outcome and T2 (SPEC §2–3) applied to the generator's own row decisions — the rows'
/// meanings are known, so nothing is parsed; only the rules are re-implemented, independently of
/// GreenStreamCore.
struct SeriesModel {
    let intervalMinutes: Int
    let startUnixSeconds: Int64
    let maxKW: Double
    let maxGapMicros: Int64

    init(spec: FleetSpec) {
        intervalMinutes = spec.intervalMinutes
        startUnixSeconds = spec.startUnixSeconds
        maxKW = spec.settings.maxKW
        maxGapMicros = Int64(spec.settings.maxGapSeconds) * 1_000_000
    }

    func micros(_ slot: Int) -> Int64 {
        (startUnixSeconds + Int64(slot) * Int64(intervalMinutes * 60)) * 1_000_000
    }

    /// The value as the product must read it (R-T1-3, R-T1-4), still in kWh for energy units.
    static func powerOrEnergy(_ row: PlannedRow) -> Double {
        // n / 10^d with both exact is the correctly rounded value of the written decimal.
        let base = Double(row.mantissa) / RowWriter.pow10[row.unit.decimals]
        switch row.unit {
        case .w, .wh: return base / 1000
        case .kw, .kwh: return base
        case .mw, .mwh: return base * 1000
        }
    }

    // Entry states in the slot sequence.
    private static let valid: UInt8 = 0, missingRow: UInt8 = 1, outlier: UInt8 = 2, synthetic: UInt8 = 3

    /// Applies T1's outcome, R-T1-5 and T2 to `rows` (file order), slots in [lo, hi).
    func run(_ rows: [PlannedRow], lo: Int, hi: Int, into out: inout SeriesOutcome) {
        out.reset()
        let n = hi - lo
        guard n > 0 else { return }
        // T1 rejects, then duplicates among the rows that passed (R-T1-5): the first with a value wins,
        // else the first.
        var firstAny = [Int32](repeating: -1, count: n)
        var firstValue = [Int32](repeating: -1, count: n)
        for (i, row) in rows.enumerated() {
            switch row.kind {
            case .malformed: out.rejects[Reason.malformedRow.rawValue] += 1
            case .badMeterID: out.rejects[Reason.invalidMeterID.rawValue] += 1
            case .badTimestamp: out.rejects[Reason.invalidTimestamp.rawValue] += 1
            case .badValue: out.rejects[Reason.invalidValue.rawValue] += 1
            case .badUnit: out.rejects[Reason.invalidUnit.rawValue] += 1
            case .value, .missing:
                let s = Int(row.slot) - lo
                if firstAny[s] < 0 { firstAny[s] = Int32(i) }
                if row.kind == .value && firstValue[s] < 0 { firstValue[s] = Int32(i) }
            }
        }
        var winner = [Int32](repeating: -1, count: n)
        for s in 0..<n { winner[s] = firstValue[s] >= 0 ? firstValue[s] : firstAny[s] }
        for (i, row) in rows.enumerated() where row.kind == .value || row.kind == .missing {
            if winner[Int(row.slot) - lo] != Int32(i) { out.rejects[Reason.duplicateReading.rawValue] += 1 }
        }
        // R-T2-2: the interval is the most frequent difference between consecutive distinct timestamps
        // (ties: the smaller); none for fewer than two, under 1 min or over 24 h.
        var counts = [Int](repeating: 0, count: n)
        var previous = -1
        var distinct = 0
        for s in 0..<n where winner[s] >= 0 {
            if previous >= 0 { counts[s - previous] += 1 }
            previous = s
            distinct += 1
        }
        var intervalSlots = 0
        if distinct >= 2 {
            var best = 0
            for d in 1..<n where counts[d] > best {
                best = counts[d]
                intervalSlots = d
            }
            let seconds = intervalSlots * intervalMinutes * 60
            if seconds < 60 || seconds > 86_400 { intervalSlots = 0 }
        }
        let intervalMicros = Int64(intervalSlots * intervalMinutes * 60) * 1_000_000
        // The slot sequence: rows (valid, missing, outlier), energy converted with the meter's
        // interval (R-T2-0), outliers judged (R-T2-1), missing slots synthesised (R-T2-3).
        var entSlot: [Int] = []
        var entState: [UInt8] = []
        var entKW: [Double] = []
        entSlot.reserveCapacity(n)
        entState.reserveCapacity(n)
        entKW.reserveCapacity(n)
        var last = -1
        for s in 0..<n where winner[s] >= 0 {
            let row = rows[Int(winner[s])]
            var state = SeriesModel.missingRow
            var kw = 0.0
            if row.kind == .value {
                kw = SeriesModel.powerOrEnergy(row)
                if row.unit.isEnergy {
                    if intervalSlots == 0 {
                        out.rejects[Reason.unknownInterval.rawValue] += 1
                        continue  // no slot at all
                    }
                    kw = kw / (Double(intervalMicros) / 3_600_000_000)
                }
                if kw < 0 {
                    out.rejects[Reason.negativeReading.rawValue] += 1
                    state = SeriesModel.outlier
                } else if kw > maxKW {
                    out.rejects[Reason.aboveMax.rawValue] += 1
                    state = SeriesModel.outlier
                } else {
                    state = SeriesModel.valid
                }
            }
            if last >= 0 && intervalSlots > 0 {
                let delta = s - last
                if delta % intervalSlots == 0 && delta / intervalSlots >= 2 {
                    var k = last + intervalSlots
                    while k < s {
                        entSlot.append(k)
                        entState.append(SeriesModel.synthetic)
                        entKW.append(0)
                        k += intervalSlots
                    }
                }
            }
            entSlot.append(s)
            entState.append(state)
            entKW.append(kw)
            last = s
        }
        // Holes (R-T2-4, R-T2-5).
        var i = 0
        let count = entSlot.count
        while i < count {
            if entState[i] == SeriesModel.valid {
                out.slots.append(Int32(entSlot[i] + lo))
                out.kw.append(entKW[i])
                out.interpolated.append(false)
                i += 1
                continue
            }
            var j = i
            while j < count && entState[j] != SeriesModel.valid { j += 1 }
            let bounded = i > 0 && j < count
            if bounded {
                let ta = micros(entSlot[i - 1] + lo)
                let tb = micros(entSlot[j] + lo)
                if tb - ta <= maxGapMicros {
                    let va = entKW[i - 1]
                    let vb = entKW[j]
                    for e in i..<j {
                        let t = micros(entSlot[e] + lo)
                        out.slots.append(Int32(entSlot[e] + lo))
                        out.kw.append(va + (vb - va) * Double(t - ta) / Double(tb - ta))
                        out.interpolated.append(true)
                        if entState[e] == SeriesModel.missingRow { out.interpolatedRows += 1 }
                    }
                    i = j
                    continue
                }
            }
            for e in i..<j where entState[e] == SeriesModel.missingRow {
                out.rejects[(bounded ? Reason.gapTooLong : Reason.edgeGap).rawValue] += 1
            }
            i = j
        }
    }
}
