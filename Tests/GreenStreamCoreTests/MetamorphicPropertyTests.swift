import Testing
@testable import GreenStreamCore

/// Properties that relate two transforms of the same data written differently: the
/// rules depend on each meter's rows in time order, not on how the file is laid out.
struct MetamorphicPropertyTests {
    typealias Generator = ConservationPropertyTests.Generator

    /// Rows with unique (meter, instant) pairs, so file order cannot matter (R-T1-5 aside).
    static func uniqueRows(seed: UInt64) -> [String] {
        var g = Generator(state: seed)
        var rows: [String] = []
        for meter in 1...(1 + g.int(4)) {
            var t = Int64(1_719_792_000) + Int64(g.int(7200))
            let step = [300, 900, 3600][g.int(3)]
            for _ in 0..<(2 + g.int(30)) {
                t += Int64(step) * Int64(g.chance(20) ? 2 + g.int(10) : 1)
                let value: String
                switch g.int(20) {
                case 0: value = "NULL"
                case 1: value = "-1"
                case 2: value = "250"
                case 3: value = "x"
                default: value = String(Double(g.int(9000)) / 100)
                }
                let unit = g.chance(85) ? "kW" : ["W", "kWh", "MW", "mW"][g.int(4)]
                rows.append("\(meter),\(CivilTime.iso8601(micros: t * 1_000_000)),\(value),\(unit)")
            }
        }
        return rows
    }

    @Test("R-T2-6 readings and reject counts do not depend on the order of rows in the file", arguments: Array(UInt64(1)...UInt64(60)))
    func rowOrderDoesNotMatter(seed: UInt64) throws {
        let rows = Self.uniqueRows(seed: seed)
        var g = Generator(state: seed &* 31)
        var shuffled = rows
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, g.int(i + 1)) }
        let header = "meter_id,timestamp,reading_value,unit\n"
        let a = try transform(header + rows.joined(separator: "\n"))
        let b = try transform(header + shuffled.joined(separator: "\n"))
        #expect(a.readings == b.readings)
        #expect(a.rejectCounts == b.rejectCounts)
        #expect(Set(a.rejects.map { "\($0.reason)|\($0.meterID)|\($0.timestamp)|\($0.readingValue)" })
            == Set(b.rejects.map { "\($0.reason)|\($0.meterID)|\($0.timestamp)|\($0.readingValue)" }))
    }

    @Test("R-IN-1 CRLF line ends, blank lines and quoting change only line numbers", arguments: Array(UInt64(1)...UInt64(40)))
    func layoutDoesNotMatter(seed: UInt64) throws {
        // "\r\n" is one Character in Swift, so split on newline characters, not on "\n".
        let rows = ConservationPropertyTests.dirtyFile(seed: seed).split(whereSeparator: \.isNewline).map(String.init)
        let plain = rows.joined(separator: "\n") + "\n"
        // CRLF, a blank line of spaces and tabs after every row, and every simple field quoted.
        let dressed = rows.map { row -> String in
            let simple = !row.contains("\"")
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            return (simple ? fields.map { "\"\($0)\"" }.joined(separator: ",") : row) + "\r\n \t\r\n"
        }.joined()
        let a = try transform(plain)
        let b = try transform("\u{FEFF}" + dressed)
        #expect(a.readings == b.readings)
        #expect(a.rejects.map(\.reason) == b.rejects.map(\.reason))
        #expect(a.rejects.map { $0.line * 2 - 1 } == b.rejects.map(\.line))
    }
}
