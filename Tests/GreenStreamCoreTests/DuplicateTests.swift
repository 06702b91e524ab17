import Testing
@testable import GreenStreamCore

struct DuplicateTests {
    @Test("R-T1-5 the first row with a value wins; the others are duplicate_reading")
    func firstWithValueWins() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,NULL,kW",
            "1,2024-01-01T00:00:00Z,2,kW",
            "1,2024-01-01T01:00:00+01:00,3,kW"))
        #expect(rejectSummary(out) == ["2:duplicate_reading", "4:duplicate_reading"])
        #expect(out.readings.kw == [2])
    }

    @Test("R-T1-5 with no value among them, the first row wins")
    func firstWinsWithoutValues() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:15:00Z,,kW",
            "1,2024-01-01T00:15:00Z,NaN,kW",
            "1,2024-01-01T00:30:00Z,3,kW"))
        #expect(rejectSummary(out) == ["4:duplicate_reading"])
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured])
        #expect(out.interpolatedRowCount == 1)
    }

    @Test("R-T1-5 an outlier or energy value still counts as a value")
    func outlierCountsAsValue() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:15:00Z,500,kW",
            "1,2024-01-01T00:15:00Z,2,kW",
            "1,2024-01-01T00:30:00Z,3,kW"))
        #expect(rejectSummary(out) == ["3:above_max", "4:duplicate_reading"])
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured])
        #expect(out.readings.kw[1] == 2)
    }

    @Test("R-T1-5 rows that failed T1 do not take part")
    func invalidRowsDoNotCount() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,abc,kW", "1,2024-01-01T00:00:00Z,1,mW", "1,2024-01-01T00:00:00Z,4,kW"))
        #expect(rejectSummary(out) == ["2:invalid_value", "3:invalid_unit"])
        #expect(out.readings.kw == [4])
    }
}
