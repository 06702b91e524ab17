/// Which file a series (one meter's rows in one file) belongs to.
enum SeriesSource: Sendable {
    case data(Int)
    case correction(Int)
}

extension Fleet {
    /// Slots a hole may span and still be filled: a run of `gapSlots` missing slots between valid
    /// neighbours spans (gapSlots + 1) × interval > max gap, so it is not filled.
    var gapSlots: Int { spec.settings.maxGapSeconds / (spec.intervalMinutes * 60) }

    /// Slot range [lo, hi) of a series.
    func slotRange(_ source: SeriesSource) -> (Int, Int) {
        switch source {
        case .data(let d): Fleet.window(d / groups, windows: windows, slots: spec.slotsPerMeter)
        case .correction(let c): (corrections[c].firstSlot, corrections[c].endSlot)
        }
    }

    /// Landing index of a series' file.
    func landing(_ source: SeriesSource) -> Int {
        switch source {
        case .data(let d): dataLanding[d]
        case .correction(let c): correctionLanding[c]
        }
    }

    /// Meter `m`'s typical load in kW (log-normal across meters, median 0.6 kW).
    func level(_ m: Int) -> Double {
        var r = SplitMix(spec.seed, 0x1E7E1, UInt64(m))
        return min(max(0.6 * Math.exp(0.7 * r.normal()), 0.02), 0.45 * spec.settings.maxKW)
    }

    /// Meter `m`'s true load in slot `k` (the same in every file that carries it, before corrections).
    func load(_ m: Int, level: Double, slot k: Int) -> Double {
        var r = SplitMix(spec.seed, 0x10AD, UInt64(m), UInt64(k))
        return min(level * profile[k] * Math.exp(0.15 * r.normal()), 0.45 * spec.settings.maxKW)
    }

    /// Timestamp spelling of meter `m` (a head-end writes one meter's times one way).
    func tsStyle(_ m: Int) -> UInt8 {
        guard spec.faults.formatVariety else { return 0 }
        var r = SplitMix(spec.seed, 0x75, UInt64(m))
        let s = UInt8(r.below(RowWriter.timestampStyles))
        return s == RowWriter.naiveStyle && naiveZone == nil ? 0 : s
    }

    /// Decides meter `m`'s rows in one file, in file order, into `rows` (cleared first).
    func plan(_ source: SeriesSource, meter m: Int, into rows: inout [PlannedRow]) {
        rows.removeAll(keepingCapacity: true)
        let f = spec.faults
        let (lo, hi) = slotRange(source)
        var rng: SplitMix
        var scale = 1.0
        switch source {
        case .data(let d):
            rng = SplitMix(spec.seed, 0xDA7A, UInt64(d), UInt64(m))
        case .correction(let c):
            rng = SplitMix(spec.seed, 0xC022, UInt64(c), UInt64(m))
            scale = 0.6 + 0.8 * rng.unit()
            if abs(scale - 1) < 0.05 { scale += 0.1 }
        }
        let n = hi - lo
        // Series-wide faults: runs of missing values (long ones are not filled, R-T2-5; short ones are,
        // R-T2-4, the longest fillable one exactly at the max-gap boundary now and then) and offline runs.
        var run = [UInt8](repeating: 0, count: n)  // 0 none, 1 missing value, 2 no row
        func place(_ length: Int, _ what: UInt8) {
            guard n > 0, length > 0 else { return }
            let len = min(length, n)
            let start = rng.below(n - len + 1)
            for i in start..<(start + len) { run[i] = what }
        }
        let gap = gapSlots
        if rng.chance(f.longMissingRun) { place(max(1, gap) + (rng.chance(0.3) ? 0 : rng.below(4)), 1) }
        if rng.chance(f.shortMissingRun) && gap >= 3 {
            place(rng.chance(0.3) ? gap - 1 : 2 + rng.below(gap - 2), 1)
        }
        if rng.chance(f.offlineRun) { place(1 + rng.below(2 * max(1, gap) + 2), 2) }
        let reversed = rng.chance(f.reversedSeries)
        let style = tsStyle(m)
        let lvl = level(m)
        let hours = Double(spec.intervalMinutes) / 60
        let maxKW = spec.settings.maxKW
        let variety = f.formatVariety

        func valueRow(_ k: Int, kw: Double) -> PlannedRow {
            var unit = PlannedRow.Unit.kw
            if variety {
                let u = rng.unit()
                unit = u < 0.5 ? .kw : u < 0.72 ? .w : u < 0.77 ? .mw : u < 0.90 ? .kwh : u < 0.98 ? .wh : .mwh
            }
            let x: Double
            switch unit {
            case .w: x = kw * 1000
            case .kw: x = kw
            case .mw: x = kw / 1000
            case .wh: x = kw * hours * 1000
            case .kwh: x = kw * hours
            case .mwh: x = kw * hours / 1000
            }
            var mantissa = Int64((x * RowWriter.pow10[unit.decimals]).rounded())
            if kw < 0 && mantissa == 0 { mantissa = -1 }
            var row = PlannedRow(slot: k, kind: .value, unit: unit, mantissa: mantissa)
            row.tsStyle = style
            if variety {
                row.variant = UInt8(rng.below(4))
                let s = rng.below(100)
                row.valueStyle = s < 70 ? 0 : s < 77 ? 1 : s < 84 ? 2 : s < 92 ? 3 : s < 96 ? 4 : 5
                if rng.chance(0.02) { row.meterZeros = UInt8(1 + rng.below(3)) }
            }
            return row
        }
        func missingRow(_ k: Int) -> PlannedRow {
            var row = PlannedRow(slot: k, kind: .missing)
            row.tsStyle = style
            row.variant = UInt8(rng.below(10))
            row.valueStyle = UInt8(rng.below(3))  // unit text: a normal unit, empty, or junk (never judged)
            return row
        }

        let pMissing = f.missingValue
        let pSlot = pMissing + f.missingSlot
        let pNeg = pSlot + f.negative
        let pSpike = pNeg + f.spike
        let pMal = pSpike + f.malformed
        let pBad = pMal + f.invalidField
        let pZero = pBad + f.zero
        for i in 0..<n {
            let k = lo + i
            if run[i] == 2 { continue }
            if run[i] == 1 {
                rows.append(missingRow(k))
                continue
            }
            let r = rng.unit()
            var row: PlannedRow
            if r < pMissing {
                row = missingRow(k)
            } else if r < pSlot {
                continue
            } else if r < pNeg {
                row = valueRow(k, kw: -(0.001 + 3 * rng.unit()))
            } else if r < pSpike {
                row = valueRow(k, kw: maxKW * (1.5 + 8.5 * rng.unit()))
            } else if r < pMal {
                row = valueRow(k, kw: load(m, level: lvl, slot: k) * scale)
                row.kind = .malformed
                row.variant = UInt8(rng.below(4))
            } else if r < pBad {
                row = valueRow(k, kw: load(m, level: lvl, slot: k) * scale)
                let which = rng.below(4)
                row.kind = [.badMeterID, .badTimestamp, .badValue, .badUnit][which]
                row.variant = UInt8(rng.below(8))
            } else if r < pZero {
                row = valueRow(k, kw: 0)
                row.negativeZero = rng.chance(0.5)
            } else {
                row = valueRow(k, kw: load(m, level: lvl, slot: k) * scale)
            }
            rows.append(row)
            // Duplicates (R-T1-5): an exact copy, the same instant spelled differently with another
            // value, or a missing value first and the value after it (the value wins).
            if (row.kind == .value || row.kind == .missing) && rng.chance(f.duplicateRow) {
                var dup = row
                switch rng.below(3) {
                case 0:
                    break
                case 1:
                    dup = valueRow(k, kw: load(m, level: lvl, slot: k) * scale * 1.3)
                    dup.tsStyle = UInt8(
                        (Int(style) + 1 + rng.below(RowWriter.timestampStyles - 1))
                            % RowWriter.timestampStyles)
                    if dup.tsStyle == RowWriter.naiveStyle && naiveZone == nil { dup.tsStyle = 0 }
                default:
                    if row.kind == .value { rows[rows.count - 1] = missingRow(k) }
                }
                rows.append(dup)
            }
        }
        if reversed { rows.reverse() }
    }
}
