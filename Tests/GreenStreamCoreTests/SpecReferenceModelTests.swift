import Testing
@testable import GreenStreamCore

/// A deliberately naive model of R-T1-3…R-T1-5 and R-T2-0…R-T2-6, written from the spec
/// text alone, compared with the transformer on generated files.
struct SpecReferenceModelTests {
    enum Kind { case missing, power, energy, invalid }

    struct Row {
        var line: Int
        var meter: Int64
        var ts: Int64  // µs
        var kind: Kind
        var value: Double  // kW for power, kWh for energy
    }

    struct Expected {
        var readings: [String] = []
        var rejects: [String] = []
    }

    /// Readings as "meter ts kwBits quality"; rejects as "line:reason", both sorted.
    static func model(_ rows: [Row], maxKW: Double, maxGap: Int64) -> Expected {
        var out = Expected()
        func reject(_ line: Int, _ reason: RejectReason) { out.rejects.append("\(line):\(reason.rawValue)") }
        for row in rows where row.kind == .invalid { reject(row.line, .invalidValue) }
        let meters = Set(rows.map(\.meter)).sorted()
        for meter in meters {
            let mine = rows.filter { $0.meter == meter && $0.kind != .invalid }  // file order
            // R-T1-5: per instant, the first row with a value, else the first row.
            var unique: [Row] = []
            for ts in Set(mine.map(\.ts)).sorted() {
                let group = mine.filter { $0.ts == ts }
                let winner = group.first { $0.kind != .missing } ?? group[0]
                unique.append(winner)
                for r in group where r.line != winner.line { reject(r.line, .duplicateReading) }
            }
            // R-T2-2: the most frequent difference, the smaller on a tie, within 1 min…24 h.
            var counts: [Int64: Int] = [:]
            for i in unique.indices.dropFirst() { counts[unique[i].ts - unique[i - 1].ts, default: 0] += 1 }
            let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
            let interval = best.flatMap { $0 >= 60_000_000 && $0 <= 86_400_000_000 ? $0 : nil }
            // R-T2-0, R-T2-1: slots with a state.
            enum State { case valid, missing, outlier, synthetic }
            var slots: [(ts: Int64, v: Double, state: State, line: Int)] = []
            for r in unique {
                var v = r.value
                if r.kind == .energy {
                    guard let interval else {
                        reject(r.line, .unknownInterval)
                        continue
                    }
                    v = r.value / (Double(interval) / 3_600_000_000)
                }
                if r.kind == .missing {
                    slots.append((r.ts, 0, .missing, r.line))
                } else if v < 0 {
                    reject(r.line, .negativeReading)
                    slots.append((r.ts, 0, .outlier, r.line))
                } else if v > maxKW {
                    reject(r.line, .aboveMax)
                    slots.append((r.ts, 0, .outlier, r.line))
                } else {
                    slots.append((r.ts, v, .valid, r.line))
                }
            }
            // R-T2-3: missing slots between consecutive timestamps k × interval apart.
            if let interval {
                var all = slots
                for i in slots.indices.dropFirst() {
                    let d = slots[i].ts - slots[i - 1].ts
                    if d >= 2 * interval && d % interval == 0 {
                        var t = slots[i - 1].ts + interval
                        while t < slots[i].ts {
                            all.append((t, 0, .synthetic, 0))
                            t += interval
                        }
                    }
                }
                slots = all.sorted { $0.ts < $1.ts }
            }
            // R-T2-4, R-T2-5: holes between valid readings.
            var i = 0
            while i < slots.count {
                if slots[i].state == .valid {
                    out.readings.append("\(meter) \(slots[i].ts) \(slots[i].v.bitPattern) measured")
                    i += 1
                    continue
                }
                var j = i
                while j < slots.count && slots[j].state != .valid { j += 1 }
                let left = i > 0 ? slots[i - 1] : nil
                let right = j < slots.count ? slots[j] : nil
                if let left, let right, right.ts - left.ts <= maxGap {
                    for s in slots[i..<j] {
                        let v = left.v + (right.v - left.v) * Double(s.ts - left.ts) / Double(right.ts - left.ts)
                        out.readings.append("\(meter) \(s.ts) \(v.bitPattern) interpolated")
                    }
                } else {
                    for s in slots[i..<j] where s.state == .missing {
                        reject(s.line, left != nil && right != nil ? .gapTooLong : .edgeGap)
                    }
                }
                i = j
            }
        }
        out.rejects.sort()
        return out
    }

    static func file(seed: UInt64) -> (text: String, rows: [Row], maxGap: Int64) {
        var g = ConservationPropertyTests.Generator(state: seed)
        let base: Int64 = 1_704_067_200_000_000
        var rows: [Row] = []
        for meter in 1...Int64(1 + g.int(4)) {
            let step = Int64([30, 60, 300, 900, 1800, 3600, 86_400, 90_000][g.int(8)]) * 1_000_000
            var t = base + Int64(g.int(4)) * 900_000_000
            for _ in 0..<(1 + g.int(30)) {
                t += step * (g.chance(20) ? Int64(1 + g.int(6)) : 1)
                if g.chance(10) { t -= step }
                let ts = g.chance(5) ? t + Int64(g.int(1000)) : t  // off the grid
                switch g.int(100) {
                case 0..<15: rows.append(Row(line: 0, meter: meter, ts: ts, kind: .missing, value: 0))
                case 15..<20: rows.append(Row(line: 0, meter: meter, ts: ts, kind: .invalid, value: 0))
                case 20..<30: rows.append(Row(line: 0, meter: meter, ts: ts, kind: .energy, value: Double(g.int(4000)) / 1000))
                case 30..<35: rows.append(Row(line: 0, meter: meter, ts: ts, kind: .power, value: -Double(1 + g.int(20))))
                case 35..<40: rows.append(Row(line: 0, meter: meter, ts: ts, kind: .power, value: Double(95 + g.int(20))))
                default: rows.append(Row(line: 0, meter: meter, ts: ts, kind: .power, value: Double(g.int(30_000)) / 1000))
                }
            }
        }
        if g.chance(50) {  // time-major or shuffled files
            for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, g.int(i + 1)) }
        }
        var text = "meter_id,timestamp,reading_value,unit\n"
        for i in rows.indices {
            rows[i].line = i + 2
            let r = rows[i]
            let value: String
            let unit: String
            switch r.kind {
            case .missing: (value, unit) = (["", "NULL", "NaN"][g.int(3)], "kW")
            case .invalid: (value, unit) = ("abc", "kW")
            case .energy: (value, unit) = ("\(r.value)", "kWh")
            case .power: (value, unit) = ("\(r.value)", "kW")
            }
            text += "\(r.meter),\(CivilTime.iso8601(micros: r.ts)),\(value),\(unit)\n"
        }
        let maxGap = [30, 60, 120, 180][g.int(4)] * 60_000_000
        return (text, rows, Int64(maxGap))
    }

    @Test("R-T1-5 R-T2-0…R-T2-6 the transformer agrees with a naive model of the spec", arguments: Array(UInt64(1)...UInt64(300)))
    func agreesWithModel(seed: UInt64) throws {
        let (text, rows, maxGap) = Self.file(seed: seed)
        var config = TransformConfig()
        config.maxGapMicros = maxGap
        let out = try transform(text, config)
        let expected = Self.model(rows, maxKW: config.maxKW, maxGap: maxGap)
        let got = (0..<out.readings.count).map { i in
            "\(out.readings.meterID[i]) \(out.readings.ts[i]) \(out.readings.kw[i].bitPattern) \(out.readings.quality[i].name)"
        }
        #expect(got == expected.readings, "seed \(seed)")
        #expect(rejectSummary(out).sorted() == expected.rejects, "seed \(seed)")
    }
}
