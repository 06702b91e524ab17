/// T2 for one meter's rows (R-T1-5 duplicates, R-T2-0…R-T2-6) and the features
/// R-F-1/R-F-2 of every reading it emits. Scratch buffers are reused across meters.
struct MeterCleaner {
    /// One time slot of a meter after duplicates are removed.
    struct Slot {
        enum State: UInt8 {
            /// A valid kW value.
            case valid
            /// A row with a missing value: interpolated or rejected by T2.
            case missing
            /// A removed outlier: already rejected; its slot may still be filled.
            case outlier
        }
        var ts: Int64
        var value: Double
        var line: Int32
        var offset: Int32
        var state: State
    }

    let config: TransformConfig
    var output = TransformOutput()
    private var candidates: [RowRecord] = []
    private var slots: [Slot] = []
    private var diffs: [Int64] = []
    private let gridFixedMicros: Int64?

    init(config: TransformConfig) {
        self.config = config
        let grid = config.gridTimeZone
        gridFixedMicros = grid.isFixed ? grid.offset(atUTCSeconds: 0) * CivilTime.microsPerSecond : nil
    }

    /// Cleans one meter; `rows` are sorted by (ts, line).
    mutating func clean(meter: Int64, rows: UnsafeBufferPointer<RowRecord>, rejects: inout [PendingReject]) {
        var hasDuplicates = false
        var i = 1
        while i < rows.count {
            if rows[i].ts == rows[i - 1].ts {
                hasDuplicates = true
                break
            }
            i += 1
        }
        if hasDuplicates {
            removeDuplicates(rows, rejects: &rejects)
            let unique = candidates
            unique.withUnsafeBufferPointer { clean(meter: meter, unique: $0, rejects: &rejects) }
        } else {
            clean(meter: meter, unique: rows, rejects: &rejects)
        }
    }

    /// T2 on rows with distinct timestamps.
    private mutating func clean(meter: Int64, unique: UnsafeBufferPointer<RowRecord>, rejects: inout [PendingReject]) {
        let interval = Self.interval(of: unique, diffs: &diffs)
        buildSlots(unique, interval: interval, rejects: &rejects)
        fillAndEmit(meter: meter, interval: interval, rejects: &rejects)
    }

    /// R-T1-5: per instant, the first row with a value wins, else the first row.
    private mutating func removeDuplicates(_ rows: UnsafeBufferPointer<RowRecord>, rejects: inout [PendingReject]) {
        candidates.removeAll(keepingCapacity: true)
        var i = 0
        while i < rows.count {
            var j = i + 1
            while j < rows.count && rows[j].ts == rows[i].ts { j += 1 }
            if j == i + 1 {
                candidates.append(rows[i])
            } else {
                var winner = i
                for k in i..<j where rows[k].hasValue {
                    winner = k
                    break
                }
                candidates.append(rows[winner])
                for k in i..<j where k != winner {
                    rejects.append(PendingReject(line: rows[k].line, offset: rows[k].offset, reason: .duplicateReading))
                }
            }
            i = j
        }
    }

    /// R-T2-2: the most frequent difference between consecutive timestamps (ties take
    /// the smaller); nil for one row, or a mode under 1 minute or over 24 hours.
    static func interval(of rows: UnsafeBufferPointer<RowRecord>, diffs: inout [Int64]) -> Int64? {
        guard rows.count >= 2 else { return nil }
        let first = rows[1].ts - rows[0].ts
        var uniform = true
        var i = 2
        while i < rows.count {
            if rows[i].ts - rows[i - 1].ts != first {
                uniform = false
                break
            }
            i += 1
        }
        var mode = first
        if !uniform {
            diffs.removeAll(keepingCapacity: true)
            for k in 1..<rows.count { diffs.append(rows[k].ts - rows[k - 1].ts) }
            diffs.sort()
            var bestCount = 0
            var k = 0
            while k < diffs.count {
                var e = k + 1
                while e < diffs.count && diffs[e] == diffs[k] { e += 1 }
                if e - k > bestCount {
                    bestCount = e - k
                    mode = diffs[k]
                }
                k = e
            }
        }
        guard mode >= 60 * CivilTime.microsPerSecond, mode <= CivilTime.microsPerDay else { return nil }
        return mode
    }

    /// R-T2-0 energy → kW (or `unknown_interval`), R-T2-1 outliers.
    private mutating func buildSlots(
        _ rows: UnsafeBufferPointer<RowRecord>, interval: Int64?, rejects: inout [PendingReject]
    ) {
        slots.removeAll(keepingCapacity: true)
        let hours = interval.map { Double($0) / Double(CivilTime.microsPerHour) }
        let maxKW = config.maxKW
        for row in rows {
            var slot = Slot(ts: row.ts, value: row.value, line: row.line, offset: row.offset, state: .valid)
            switch row.kind {
            case .missing:
                slot.state = .missing
            case .energy:
                guard let hours else {
                    rejects.append(PendingReject(line: row.line, offset: row.offset, reason: .unknownInterval))
                    continue
                }
                slot.value = row.value / hours
            default:
                break
            }
            if slot.state == .valid {
                if slot.value < 0 {
                    slot.state = .outlier
                    rejects.append(PendingReject(line: row.line, offset: row.offset, reason: .negativeReading))
                } else if slot.value > maxKW {
                    slot.state = .outlier
                    rejects.append(PendingReject(line: row.line, offset: row.offset, reason: .aboveMax))
                }
            }
            slots.append(slot)
        }
    }

    /// R-T2-3…R-T2-6: fills holes whose valid neighbours are at most the maximum gap
    /// apart (synthesising missing slots), rejects the missing rows of other holes.
    private mutating func fillAndEmit(meter: Int64, interval: Int64?, rejects: inout [PendingReject]) {
        let maxGap = config.maxGapMicros
        var haveLeft = false
        var leftTs: Int64 = 0
        var leftValue = 0.0
        var holeStart = 0
        for i in slots.indices where slots[i].state == .valid {
            let right = slots[i]
            if haveLeft && right.ts - leftTs <= maxGap {
                let span = Double(right.ts - leftTs)
                let delta = right.value - leftValue
                var previous = leftTs
                for j in holeStart..<i {
                    let slot = slots[j]
                    synthesise(meter, from: previous, to: slot.ts, interval, leftTs, leftValue, delta, span)
                    emit(meter, slot.ts, leftValue + delta * Double(slot.ts - leftTs) / span, .interpolated)
                    if slot.state == .missing { output.interpolatedRowCount += 1 }
                    previous = slot.ts
                }
                synthesise(meter, from: previous, to: right.ts, interval, leftTs, leftValue, delta, span)
            } else {
                rejectMissing(holeStart..<i, reason: haveLeft ? .gapTooLong : .edgeGap, rejects: &rejects)
            }
            emit(meter, right.ts, right.value, .measured)
            haveLeft = true
            leftTs = right.ts
            leftValue = right.value
            holeStart = i + 1
        }
        rejectMissing(holeStart..<slots.count, reason: .edgeGap, rejects: &rejects)
    }

    /// R-T2-3: the k − 1 slots between two timestamps k × interval apart, interpolated.
    @inline(__always)
    private mutating func synthesise(
        _ meter: Int64, from a: Int64, to b: Int64, _ interval: Int64?,
        _ leftTs: Int64, _ leftValue: Double, _ delta: Double, _ span: Double
    ) {
        guard let interval, b - a >= 2 * interval, (b - a) % interval == 0 else { return }
        var t = a + interval
        while t < b {
            emit(meter, t, leftValue + delta * Double(t - leftTs) / span, .interpolated)
            t += interval
        }
    }

    private func rejectMissing(_ range: Range<Int>, reason: RejectReason, rejects: inout [PendingReject]) {
        for j in range where slots[j].state == .missing {
            rejects.append(PendingReject(line: slots[j].line, offset: slots[j].offset, reason: reason))
        }
    }

    /// Appends a reading with its features (R-F-1, R-F-2).
    @inline(__always)
    private mutating func emit(_ meter: Int64, _ ts: Int64, _ kw: Double, _ quality: Quality) {
        let hour: UInt8
        if let fixed = gridFixedMicros {
            let local = ts + fixed
            let hours = CivilTime.floorDiv(local, CivilTime.microsPerHour)
            hour = UInt8(truncatingIfNeeded: hours - CivilTime.floorDiv(hours, 24) * 24)
        } else {
            hour = config.gridTimeZone.hourOfDay(utcMicros: ts)
        }
        output.readings.append(
            meterID: meter, ts: ts, kw: kw, quality: quality, hourOfDay: hour,
            isPeakWindow: config.peakWindow.contains(hour: hour))
        if quality == .measured { output.measuredCount += 1 } else { output.interpolatedCount += 1 }
    }
}
