import Testing
@testable import GreenStreamCore

/// Property-style tests over generated dirty files: whatever the rows, per meter the
/// output timestamps strictly increase and every row has exactly one outcome (R-IN-7).
struct ConservationPropertyTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce from the seed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    }

    static func dirtyFile(seed: UInt64) -> String {
        var g = Generator(state: seed)
        var lines = ["MeterID,Timestamp,ReadingValue,Unit"]
        let meters = 1 + g.int(5)
        let base = Int64(1_704_067_200)  // 2024-01-01T00:00:00Z
        var rows: [String] = []
        for meter in 1...meters {
            let step = [60, 300, 900, 1800, 3600, 7][g.int(6)]
            var t = base + Int64(g.int(3600))
            for _ in 0..<(1 + g.int(40)) {
                t += Int64(step) * Int64(g.chance(15) ? 1 + g.int(12) : 1)
                if g.chance(5) { t -= Int64(step) }  // duplicates and disorder
                let ts = CivilTime.iso8601(micros: t * 1_000_000)
                let value: String
                switch g.int(100) {
                case 0..<8: value = ["", "NULL", "n/a", "NaN"][g.int(4)]
                case 8..<11: value = String(-g.int(50))
                case 11..<13: value = String(100 + g.int(900))
                case 13..<15: value = ["abc", "1,5", "1e999"][g.int(3)]
                default: value = String(Double(g.int(50_000)) / 1000)
                }
                let unit = ["kW", "W", "MW", "kWh", "Wh", "mW", "kw", ""][g.chance(80) ? 0 : g.int(8)]
                let id = g.chance(2) ? "x\(meter)" : String(meter)
                let field = value.contains(",") ? "\"\(value)\"" : value
                var row = "\(id),\(ts),\(field),\(unit)"
                if g.chance(2) { row = "\(id),\(ts)" }
                if g.chance(1) { row = "\(id),\"\(ts)\" ,1,kW" }
                rows.append(row)
            }
        }
        // Interleave meters a little.
        for i in stride(from: 1, to: rows.count, by: 3) where g.chance(30) { rows.swapAt(i - 1, i) }
        lines += rows
        return lines.joined(separator: g.chance(50) ? "\n" : "\r\n") + "\n"
    }

    @Test("R-IN-7 conservation and strictly increasing timestamps per meter on generated files", arguments: Array(UInt64(1)...UInt64(200)))
    func generatedFile(seed: UInt64) throws {
        let text = Self.dirtyFile(seed: seed)
        let out = try Transformer().transform(Array(text.utf8))
        #expect(out.dataRowCount == text.split(whereSeparator: \.isNewline).count - 1)
        #expect(out.dataRowCount == out.measuredCount + out.interpolatedRowCount + out.rejects.count)
        #expect(out.isConserved)
        let r = out.readings
        for i in 1..<max(1, r.count) {
            #expect(r.meterID[i - 1] <= r.meterID[i])
            if r.meterID[i - 1] == r.meterID[i] { #expect(r.ts[i - 1] < r.ts[i]) }
        }
        #expect(r.kw.allSatisfy { $0 >= 0 && $0 <= 100 })
        #expect(out.rejects.map(\.line) == out.rejects.map(\.line).sorted())
        #expect(Set(out.rejects.map(\.line)).count == out.rejects.count)
    }
}
