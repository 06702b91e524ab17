import Foundation
import GreenStreamTesting
import Testing

/// R-IN-5, R-J-5 end to end: a 200 MiB landed file whose fourth row opens a quote that never
/// closes is one bounded `malformed_row`, not a 200 MiB reject.
struct HugeRejectCommandTests {
    @Test("R-IN-5 R-J-5 a 200 MiB file with one unterminated quote near the top succeeds with one bounded reject")
    func hugeUnterminatedQuote() throws {
        let dir = try TransformCommandTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("huge.csv")
        try Data(HugeCSV.unterminatedQuoteNearTop(totalBytes: 200 << 20)).write(to: input)
        let out = dir.appendingPathComponent("out")

        let run = try TransformCommandTests.run(["transform", input.path, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let rejects = try Data(contentsOf: out.appendingPathComponent("huge/rejects.csv"))
        #expect(rejects.count < 4096 + 200)
        let lines = String(decoding: rejects, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "line,reason,meter_id,timestamp,reading_value,unit")
        #expect(lines[1].hasPrefix("5,malformed_row,1,2024-01-01T00:45:00Z,\"4.5,kW"))
        #expect(lines.last == "" && lines[lines.count - 2].hasSuffix("\u{2026}[truncated \((200 << 20) - 152 - 4075) bytes]\","))
        let readings = try String(contentsOf: out.appendingPathComponent("huge/readings.csv"), encoding: .utf8)
        #expect(readings.split(separator: "\n").count == 4, "header and the three good rows")
    }
}
