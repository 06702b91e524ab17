import Testing
@testable import GreenStreamCore

struct HoleFillingTests {
    @Test("R-T2-3 R-T2-4 missing slots between k × interval are synthesised and interpolated")
    func missingSlotsFilled() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z,2,kW", "1,2024-01-01T01:00:00Z,5,kW"))
        #expect(readings(out) == [
            Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 1, quality: .measured),
            Out(meter: 1, ts: "2024-01-01T00:15:00Z", kw: 2, quality: .measured),
            Out(meter: 1, ts: "2024-01-01T00:30:00Z", kw: 3, quality: .interpolated),
            Out(meter: 1, ts: "2024-01-01T00:45:00Z", kw: 4, quality: .interpolated),
            Out(meter: 1, ts: "2024-01-01T01:00:00Z", kw: 5, quality: .measured),
        ])
        #expect(out.interpolatedCount == 2)
        #expect(out.interpolatedRowCount == 0)
    }

    @Test("R-T2-4 the interpolation formula v_a + (v_b − v_a)·(t − t_a)/(t_b − t_a)")
    func interpolationFormula() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1.1,kW", "1,2024-01-01T00:10:00Z,,kW", "1,2024-01-01T00:20:00Z,,kW",
            "1,2024-01-01T00:30:00Z,1.7,kW"))
        let t0 = micros("2024-01-01T00:00:00Z")
        let span = Double(30 * 60_000_000)
        #expect(out.readings.kw[1] == 1.1 + (1.7 - 1.1) * Double(micros("2024-01-01T00:10:00Z") - t0) / span)
        #expect(out.readings.kw[2] == 1.1 + (1.7 - 1.1) * Double(micros("2024-01-01T00:20:00Z") - t0) / span)
    }

    @Test("R-T2-4 R-T2-5 a hole exactly at the maximum gap is filled; one step past it is not")
    func maxGapBoundary() throws {
        let atMax = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:30:00Z,1,kW", "1,2024-01-01T01:00:00Z,NULL,kW",
            "1,2024-01-01T02:30:00Z,5,kW"))
        #expect(atMax.rejects.isEmpty)
        #expect(readings(atMax).map(\.quality) == [.measured, .measured, .interpolated, .interpolated, .interpolated, .measured])
        #expect(atMax.readings.kw[2...4] == [2, 3, 4])

        let pastMax = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:30:00Z,1,kW", "1,2024-01-01T01:00:00Z,NULL,kW",
            "1,2024-01-01T03:00:00Z,5,kW"))
        #expect(rejectSummary(pastMax) == ["4:gap_too_long"])
        #expect(readings(pastMax).map(\.ts) == ["2024-01-01T00:00:00Z", "2024-01-01T00:30:00Z", "2024-01-01T03:00:00Z"])
    }

    @Test("R-T2-5 the maximum gap is configurable")
    func configuredMaxGap() throws {
        var config = TransformConfig()
        config.maxGapMicros = try TransformConfig.parseDuration("90m")
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:30:00Z,,kW", "1,2024-01-01T01:00:00Z,,kW",
            "1,2024-01-01T01:30:00Z,4,kW", "1,2024-01-01T02:00:00Z,,kW", "1,2024-01-01T04:00:00Z,4,kW"), config)
        #expect(rejectSummary(out) == ["6:gap_too_long"])
        #expect(out.readings.kw == [1, 2, 3, 4, 4])
    }

    @Test("R-T2-1 R-IN-7 an outlier inside a filled hole is rejected and its slot interpolated")
    func outlierInsideFilledHole() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z,-4,kW", "1,2024-01-01T00:30:00Z,,kW",
            "1,2024-01-01T00:45:00Z,101,kW", "1,2024-01-01T01:30:00Z,7,kW"))
        #expect(rejectSummary(out) == ["3:negative_reading", "5:above_max"])
        #expect(out.readings.kw == [1, 2, 3, 4, 5, 6, 7])
        #expect(out.interpolatedCount == 5)
        #expect(out.interpolatedRowCount == 1)
        #expect(out.measuredCount == 2)
    }

    @Test("R-T2-5 outliers at the edges keep their own reason; missing rows at the edges are edge_gap")
    func edges() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,,kW", "1,2024-01-01T00:15:00Z,200,kW", "1,2024-01-01T00:30:00Z,1,kW",
            "1,2024-01-01T00:45:00Z,2,kW", "1,2024-01-01T01:00:00Z,-1,kW", "1,2024-01-01T01:15:00Z,NA,kW"))
        #expect(rejectSummary(out) == ["2:edge_gap", "3:above_max", "6:negative_reading", "7:edge_gap"])
        #expect(readings(out).map(\.ts) == ["2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z"])
    }

    @Test("R-T2-5 a meter with no valid reading at all: every missing row is edge_gap")
    func noValidReading() throws {
        let out = try transform(csv("3,2024-01-01T00:00:00Z,,kW", "3,2024-01-01T00:15:00Z,-1,kW", "3,2024-01-01T01:00:00Z,NULL,kW"))
        #expect(rejectSummary(out) == ["2:edge_gap", "3:negative_reading", "4:edge_gap"])
        #expect(out.readings.isEmpty)
    }

    @Test("R-T2-2 R-T2-4 a meter without an interval still fills missing values between valid neighbours")
    func noIntervalStillFills() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:00:30Z,,kW", "1,2024-01-01T00:00:40Z,3,kW"))
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured])
        #expect(out.readings.kw[1] == 1 + 2 * 30.0 / 40.0)
    }

    @Test("R-T2-2 a single-row meter is kept as measured and synthesises nothing")
    func singleRowMeter() throws {
        let out = try transform(csv("42,2024-01-01T00:00:00Z,1.5,kW"))
        #expect(readings(out) == [Out(meter: 42, ts: "2024-01-01T00:00:00Z", kw: 1.5, quality: .measured)])
    }

    @Test("R-T2-6 interleaved meters are cleaned separately and output sorted by (meter, ts)")
    func interleavedMeters() throws {
        let out = try transform(csv(
            "2,2024-01-01T00:15:00Z,5,kW", "1,2024-01-01T00:30:00Z,3,kW", "2,2024-01-01T00:00:00Z,4,kW",
            "1,2024-01-01T00:00:00Z,1,kW", "2,2024-01-01T00:45:00Z,7,kW"))
        #expect(readings(out) == [
            Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 1, quality: .measured),
            Out(meter: 1, ts: "2024-01-01T00:30:00Z", kw: 3, quality: .measured),
            Out(meter: 2, ts: "2024-01-01T00:00:00Z", kw: 4, quality: .measured),
            Out(meter: 2, ts: "2024-01-01T00:15:00Z", kw: 5, quality: .measured),
            Out(meter: 2, ts: "2024-01-01T00:30:00Z", kw: 6, quality: .interpolated),
            Out(meter: 2, ts: "2024-01-01T00:45:00Z", kw: 7, quality: .measured),
        ])
    }

    @Test("R-T2-1 zero is valid; the maximum itself is valid; the configured maximum applies")
    func outlierBounds() throws {
        var config = TransformConfig()
        config.maxKW = 48
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,0,kW", "1,2024-01-01T00:15:00Z,48,kW", "1,2024-01-01T00:30:00Z,48.000001,kW",
            "1,2024-01-01T00:45:00Z,-0.000001,kW"), config)
        #expect(rejectSummary(out) == ["4:above_max", "5:negative_reading"])
        #expect(out.readings.kw == [0, 48])
    }

    @Test("R-T2-3 leap day: a daily meter synthesises Feb 29 in 2024 but not in 2023")
    func leapDaySlots() throws {
        var config = TransformConfig()
        config.maxGapMicros = try TransformConfig.parseDuration("48h")
        let leap = try transform(csv(
            "1,2024-02-27T00:00:00Z,10,kW", "1,2024-02-28T00:00:00Z,10,kW", "1,2024-03-01T00:00:00Z,12,kW"), config)
        #expect(readings(leap).map(\.ts) == ["2024-02-27T00:00:00Z", "2024-02-28T00:00:00Z", "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"])
        #expect(leap.readings.kw[2] == 11)
        let common = try transform(csv(
            "1,2023-02-27T00:00:00Z,10,kW", "1,2023-02-28T00:00:00Z,10,kW", "1,2023-03-01T00:00:00Z,12,kW"), config)
        #expect(common.readings.count == 3)
        #expect(common.interpolatedCount == 0)
    }
}
