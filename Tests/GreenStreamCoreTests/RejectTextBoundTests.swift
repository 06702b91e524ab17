import GreenStreamTesting
import Testing
@testable import GreenStreamCore

/// R-IN-5, R-J-5: a reject keeps its line and reason, but at most `Reject.rawTextBudget`
/// bytes of raw field text, so one row cannot make a job result too large to report.
struct RejectTextBoundTests {
    static let markerSlack = 4 * "\u{2026}[truncated 9999999999 bytes]".utf8.count

    static func rawBytes(_ r: Reject) -> Int {
        [r.meterID, r.timestamp, r.readingValue, r.unit].reduce(0) { $0 + $1.utf8.count }
    }

    @Test("R-IN-5 R-J-5 a 200 MiB file with one unterminated quote near the top: its three readings and one bounded reject")
    func hugeUnterminatedQuote() throws {
        let bytes = HugeCSV.unterminatedQuoteNearTop(totalBytes: 200 << 20)
        let out = try transformBytes(bytes)
        #expect(out.dataRowCount == 4)
        #expect(out.readings.kw == [1.5, 2.5, 3.5])
        #expect(rejectSummary(out) == ["5:malformed_row"])
        let reject = try #require(out.rejects.first)
        #expect(reject.meterID == "1" && reject.timestamp == "2024-01-01T00:45:00Z" && reject.unit == "")
        #expect(reject.readingValue.hasPrefix("4.5,kW\n2,2024-01-02T00:00:00Z,1,kW\n"))
        #expect(reject.readingValue.hasSuffix("\u{2026}[truncated \(bytes.count - 152 - 4075) bytes]"))
        #expect(Self.rawBytes(reject) <= Reject.rawTextBudget + Self.markerSlack)
        // rejects.csv stays one valid RFC 4180 record per reject.
        let csv = out.rejectsCSV()
        #expect(csv.count < 8192)
        let records = SpecCSVReferenceTests.reference(csv)
        #expect(records.count == 2 && !records[1].malformed)
        #expect(records[1].fields.map { String(decoding: $0, as: UTF8.self) }
            == ["5", "malformed_row", "1", "2024-01-01T00:45:00Z", reject.readingValue, ""])
    }

    @Test("R-J-5 texts within the budget are kept whole; longer ones share it fairly")
    func budgetShares() {
        #expect(Reject.rawTextLimits(lengths: [1, 20, 4000, 75]) == [1, 20, 4000, 75])
        #expect(Reject.rawTextLimits(lengths: [1, 20, 9000, 0]) == [1, 20, 4075, 0])
        #expect(Reject.rawTextLimits(lengths: [5000, 5000, 5000, 5000]) == [1024, 1024, 1024, 1024])
        #expect(Reject.rawTextLimits(lengths: [3000, 10, 2000, 0]) == [2086, 10, 2000, 0])
    }

    @Test("R-J-5 a long field is cut at a UTF-8 boundary and says how many bytes it left out")
    func cutAtScalarBoundary() throws {
        // 2000 × "é" (2 bytes each) in the unit: 4000 bytes, over the budget with the others.
        let unit = String(repeating: "\u{E9}", count: 2000)
        let meter = String(repeating: "9", count: 3000)
        let out = try transform(csv("\(meter),2024-01-01T00:00:00Z,12,\(unit)"))
        let reject = try #require(out.rejects.first)
        #expect(reject.reason == .invalidMeterID)
        #expect(reject.timestamp == "2024-01-01T00:00:00Z" && reject.readingValue == "12")
        // 4096 − 22 bytes are shared by the two long fields, 2037 each; the unit's cut falls inside an
        // "é", so it backs up to 2036 bytes.
        #expect(reject.meterID == String(repeating: "9", count: 2037) + "\u{2026}[truncated 963 bytes]")
        #expect(reject.unit == String(repeating: "\u{E9}", count: 1018) + "\u{2026}[truncated 1964 bytes]")
    }
}
