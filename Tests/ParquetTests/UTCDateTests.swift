import GreenStreamArchive
import GreenStreamCore
import Testing

@Suite("UTC dates of archive partitions (R-P-1)")
struct UTCDateTests {
    @Test(
        arguments: [
            (Int64(0), "1970-01-01"), (86_400_000_000 - 1, "1970-01-01"), (-1, "1969-12-31"),
            (951_782_400_000_000, "2000-02-29"), (1_709_164_800_000_000, "2024-02-29"),
            (-62_135_596_800_000_000, "0001-01-01"), (253_402_300_799_999_999, "9999-12-31"),
        ] as [(Int64, String)])
    func instantsMapToTheirUTCDate(microseconds: Int64, expected: String) {
        #expect(UTCDate(microseconds: microseconds).description == expected)
        #expect(UTCDate(expected) == UTCDate(microseconds: microseconds))
    }

    @Test(arguments: [
        "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "24-01-01", "2024-1-01", "2024-01-0x", "",
    ])
    func impossibleOrMalformedDatesAreRejected(text: String) {
        #expect(UTCDate(text) == nil)
    }

    @Test func partitioningSplitsByUTCDateAndOrdersByMeterThenTime() throws {
        let day: Int64 = 86_400_000_000
        let batch = ReadingBatch(
            meterID: [2, 1, 2, 1, 1], ts: [day + 5, day + 3, 10, 20, day + 1], kw: [1, 2, 3, 4, 5],
            quality: [.measured, .interpolated, .measured, .measured, .measured], hourOfDay: [0, 0, 0, 0, 0],
            isPeakWindow: [false, true, false, false, false])
        let parts = try batch.partitionedByUTCDate()
        #expect(parts.map(\.date.description) == ["1970-01-01", "1970-01-02"])
        #expect(parts[0].batch.meterID == [1, 2] && parts[0].batch.ts == [20, 10])
        #expect(parts[1].batch.meterID == [1, 1, 2] && parts[1].batch.ts == [day + 1, day + 3, day + 5])
        #expect(parts[1].batch.kw == [5, 2, 1] && parts[1].batch.isPeakWindow == [false, true, false])
    }
}
