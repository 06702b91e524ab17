import Testing
@testable import GreenStreamCore

/// Adversarial tests for T2 (R-T2-0…R-T2-6), conservation (R-IN-7) and the features (R-F-1, R-F-2).
struct SpecEdgeCaseT2Tests {
    /// v_a + (v_b − v_a)·(t − t_a)/(t_b − t_a), in the order docs/DECISIONS.md fixes.
    func lerp(_ ta: String, _ va: Double, _ tb: String, _ vb: Double, at t: String) -> Double {
        va + (vb - va) * Double(micros(t) - micros(ta)) / Double(micros(tb) - micros(ta))
    }

    // MARK: R-T2-0 energy

    @Test("R-T2-0 an energy row takes the interval its meter's other rows set")
    func energyIntervalFromOtherRows() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:05:00Z,1,kW", "1,2024-01-01T00:10:00Z,0.25,kWh",
            "1,2024-01-01T00:15:00Z,2,kW", "1,2024-01-01T00:20:00Z,500,Wh"))
        let hours = Double(5 * 60_000_000) / Double(CivilTime.microsPerHour)
        #expect(out.rejects.isEmpty)
        #expect(out.readings.kw == [1, 1, 0.25 / hours, 2, 500.0 / 1000 / hours])
    }

    @Test("R-T2-0 R-T2-3 an energy row after a gap uses the interval; the gap's slots are synthesised")
    func energyAfterGap() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z,1,kW", "1,2024-01-01T00:30:00Z,1,kW",
            "1,2024-01-01T01:30:00Z,0.5,kWh"))
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z",
            "2024-01-01T01:00:00Z", "2024-01-01T01:15:00Z", "2024-01-01T01:30:00Z",
        ])
        #expect(out.readings.kw == [1, 1, 1, 1.25, 1.5, 1.75, 2])
    }

    @Test("R-T2-0 R-T2-4 an energy row on a meter without an interval is no slot: a hole around it is still filled")
    func energyWithoutIntervalIsNoSlot() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:00:30Z,NULL,kW", "1,2024-01-01T00:01:00Z,0.1,kWh",
            "1,2024-01-01T00:01:30Z,4,kW",
            "2,2024-01-01T00:00:00Z,1,MWh"))  // one row: no interval either
        #expect(rejectSummary(out) == ["4:unknown_interval", "6:unknown_interval"])
        #expect(readings(out) == [
            Out(meter: 1, ts: "2024-01-01T00:00:00Z", kw: 1, quality: .measured),
            Out(meter: 1, ts: "2024-01-01T00:00:30Z", kw: 2, quality: .interpolated),
            Out(meter: 1, ts: "2024-01-01T00:01:30Z", kw: 4, quality: .measured),
        ])
    }

    @Test("R-T2-0 R-T2-5 a meter whose only valued rows are energy without an interval: its missing rows are edge_gap")
    func energyOnlyMeterWithoutInterval() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kWh", "1,2024-01-01T00:00:10Z,,kWh", "1,2024-01-01T00:00:20Z,1,kWh"))
        #expect(rejectSummary(out) == ["2:unknown_interval", "3:edge_gap", "4:unknown_interval"])
        #expect(out.readings.isEmpty)
    }

    @Test("R-T2-0 R-T2-1 negative energy is negative_reading; energy over the maximum once converted is above_max")
    func energyOutliers() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:15:00Z,-0.001,kWh", "1,2024-01-01T00:30:00Z,25,kWh",
            "1,2024-01-01T00:45:00Z,25.001,kWh", "1,2024-01-01T01:00:00Z,0,kWh"))
        #expect(rejectSummary(out) == ["3:negative_reading", "5:above_max"])
        #expect(readings(out).map(\.quality) == [.measured, .interpolated, .measured, .interpolated, .measured])
        #expect(out.readings.kw == [1, lerp("2024-01-01T00:00:00Z", 1, "2024-01-01T00:30:00Z", 100, at: "2024-01-01T00:15:00Z"), 100, 50, 0])
    }

    // MARK: R-T2-1 outliers

    @Test("R-T2-1 the bounds: 0 and exactly the maximum are valid; -0 is zero; just past is above_max")
    func outlierBounds() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,0,kW", "1,2024-01-01T00:15:00Z,100,kW", "1,2024-01-01T00:30:00Z,100000,W",
            "1,2024-01-01T00:45:00Z,100.0000000001,kW", "1,2024-01-01T01:00:00Z,-0,MW", "1,2024-01-01T01:15:00Z,-1e-300,W",
            "1,2024-01-01T01:30:00Z,1e308,MW"))
        #expect(rejectSummary(out) == ["5:above_max", "7:negative_reading", "8:above_max"])
        #expect(readings(out).map(\.quality) == [.measured, .measured, .measured, .interpolated, .measured])
        #expect(out.readings.kw.allSatisfy { $0.sign == .plus })
    }

    // MARK: R-T2-2 intervals

    @Test("R-T2-2 a tie takes the smaller difference, whatever order the differences come in")
    func intervalTie() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,0,kW", "1,2024-01-01T00:30:00Z,2,kW", "1,2024-01-01T00:45:00Z,3,kW",
            "1,2024-01-01T01:15:00Z,5,kW", "1,2024-01-01T01:30:00Z,6,kW"))
        #expect(readings(out).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z",
            "2024-01-01T01:00:00Z", "2024-01-01T01:15:00Z", "2024-01-01T01:30:00Z",
        ])
        #expect(out.readings.kw == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test("R-T2-2 duplicates and rows rejected in T1 do not make differences; missing, energy and outlier rows do")
    func intervalCountsTheRightRows() throws {
        // Distinct passed timestamps: 00:00, 00:10 (outlier), 00:20 (missing), 00:30, 01:00 → mode 10 min.
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:10:00Z,999,kW", "1,2024-01-01T00:20:00Z,,kW",
            "1,2024-01-01T00:30:00Z,4,kW", "1,2024-01-01T00:30:00Z,4,kW", "1,2024-01-01T00:45:00Z,x,kW",
            "1,2024-01-01T00:50:00Z,1,GW", "1,2024-01-01T01:00:00Z,1,kWh"))
        #expect(rejectSummary(out) == ["3:above_max", "6:duplicate_reading", "7:invalid_value", "8:invalid_unit"])
        #expect(readings(out).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:10:00Z", "2024-01-01T00:20:00Z", "2024-01-01T00:30:00Z",
            "2024-01-01T00:40:00Z", "2024-01-01T00:50:00Z", "2024-01-01T01:00:00Z",
        ])
        let energy = 1 / (Double(10 * 60_000_000) / Double(CivilTime.microsPerHour))
        let a = "2024-01-01T00:30:00Z"
        let b = "2024-01-01T01:00:00Z"
        #expect(out.readings.kw == [
            1, 2, 3, 4, lerp(a, 4, b, energy, at: "2024-01-01T00:40:00Z"), lerp(a, 4, b, energy, at: "2024-01-01T00:50:00Z"), energy,
        ])
    }

    @Test("R-T2-2 R-T2-4 differences under 1 minute: no interval, no synthesised slots, missing rows still filled")
    func subMinuteNoInterval() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:00:30Z,NULL,kW", "1,2024-01-01T00:01:00Z,3,kW",
            "1,2024-01-01T00:03:00Z,5,kW"))
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.ts) == ["2024-01-01T00:00:00Z", "2024-01-01T00:00:30Z", "2024-01-01T00:01:00Z", "2024-01-01T00:03:00Z"])
        #expect(out.readings.kw == [1, 2, 3, 5])
    }

    @Test("R-T2-2 R-T2-4 differences over 24 hours: no interval; a missing row between is filled if the gap allows")
    func overDayNoInterval() throws {
        var config = TransformConfig()
        config.maxGapMicros = 100 * CivilTime.microsPerHour
        let rows = ["1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-03T00:00:00Z,,kW", "1,2024-01-05T00:00:00Z,3,kW", "1,2024-01-09T00:00:00Z,9,kW"]
        let out = try transform(csv(rows[0], rows[1], rows[2], rows[3]), config)
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.ts) == ["2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z", "2024-01-05T00:00:00Z", "2024-01-09T00:00:00Z"])
        #expect(out.readings.kw == [1, 2, 3, 9])
        let short = try transform(csv(rows[0], rows[1], rows[2], rows[3]))
        #expect(rejectSummary(short) == ["3:gap_too_long"])
    }

    @Test("R-T2-2 R-T2-3 an interval of exactly 24 hours synthesises a missing day when the gap allows")
    func dayInterval() throws {
        var config = TransformConfig()
        config.maxGapMicros = 48 * CivilTime.microsPerHour
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-02T00:00:00Z,2,kW", "1,2024-01-04T00:00:00Z,4,kW"), config)
        #expect(readings(out).map(\.ts) == ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z"])
        #expect(out.readings.kw == [1, 2, 3, 4])
    }

    // MARK: R-T2-3 … R-T2-5 holes

    @Test("R-T2-4 R-T2-5 a hole exactly at the maximum gap is filled; one microsecond past is not")
    func maxGapMicrosecond() throws {
        let at = try transform(csv("1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T01:00:00Z,,kW", "1,2024-01-01T02:00:00Z,3,kW"))
        #expect(at.rejects.isEmpty)
        #expect(at.readings.kw == [1, 2, 3])
        let past = try transform(csv("1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T01:00:00Z,,kW", "1,2024-01-01T02:00:00.000001Z,3,kW"))
        #expect(rejectSummary(past) == ["3:gap_too_long"])
        #expect(past.readings.kw == [1, 3])
        // Synthesised slots follow the same bound: 00:30 → 02:30 (exactly 2 h) is filled, 03:00 → 05:30 is not.
        var config = TransformConfig()
        config.maxGapMicros = 2 * CivilTime.microsPerHour
        let slots = try transform(csv(
            "1,2024-01-01T00:00:00Z,0,kW", "1,2024-01-01T00:30:00Z,1,kW", "1,2024-01-01T02:30:00Z,5,kW",
            "1,2024-01-01T03:00:00Z,6,kW", "1,2024-01-01T05:30:00Z,6,kW"), config)
        #expect(readings(slots).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:30:00Z", "2024-01-01T01:00:00Z", "2024-01-01T01:30:00Z",
            "2024-01-01T02:00:00Z", "2024-01-01T02:30:00Z", "2024-01-01T03:00:00Z", "2024-01-01T05:30:00Z",
        ])
        #expect(slots.readings.kw == [0, 1, 2, 3, 4, 5, 6, 6])
    }

    @Test("R-T2-3 R-T2-4 a missing row off the interval grid inside a hole is filled; only exact multiples synthesise")
    func missingRowOffGrid() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,0,kW", "1,2024-01-01T00:15:00Z,1,kW", "1,2024-01-01T00:30:00Z,2,kW",
            "1,2024-01-01T00:37:00Z,,kW", "1,2024-01-01T01:07:00Z,,kW", "1,2024-01-01T01:30:00Z,6,kW"))
        #expect(out.rejects.isEmpty)
        #expect(readings(out).map(\.ts) == [
            "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:37:00Z",
            "2024-01-01T00:52:00Z", "2024-01-01T01:07:00Z", "2024-01-01T01:30:00Z",
        ])
        let a = "2024-01-01T00:30:00Z"
        let b = "2024-01-01T01:30:00Z"
        #expect(out.readings.kw == [
            0, 1, 2, lerp(a, 2, b, 6, at: "2024-01-01T00:37:00Z"), lerp(a, 2, b, 6, at: "2024-01-01T00:52:00Z"),
            lerp(a, 2, b, 6, at: "2024-01-01T01:07:00Z"), 6,
        ])
        #expect(out.interpolatedRowCount == 2)
        #expect(out.interpolatedCount == 3)
    }

    @Test("R-T2-5 edge_gap at both ends; outliers at the edges keep their reason; no slots at the edges")
    func edgeGapsBothEnds() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,,kW", "1,2024-01-01T00:30:00Z,-5,kW", "1,2024-01-01T00:45:00Z,NA,kW",
            "1,2024-01-01T01:00:00Z,1,kW", "1,2024-01-01T01:15:00Z,2,kW",
            "1,2024-01-01T01:30:00Z,NULL,kW", "1,2024-01-01T02:15:00Z,500,kW", "1,2024-01-01T03:00:00Z,n/a,kW"))
        #expect(rejectSummary(out) == ["2:edge_gap", "3:negative_reading", "4:edge_gap", "7:edge_gap", "8:above_max", "9:edge_gap"])
        #expect(readings(out).map(\.ts) == ["2024-01-01T01:00:00Z", "2024-01-01T01:15:00Z"])
    }

    @Test("R-T2-5 a meter with only missing values (and outliers) rejects them all; other meters are unaffected")
    func meterWithoutValidReadings() throws {
        let out = try transform(csv(
            "2,2024-01-01T00:00:00Z,,kW", "1,2024-01-01T00:00:00Z,1,kW", "2,2024-01-01T00:15:00Z,NULL,kW",
            "2,2024-01-01T01:00:00Z,-1,kW", "3,2024-01-01T00:00:00Z,NaN,x", "2,2024-01-01T00:15:00Z,,kW"))
        #expect(rejectSummary(out) == ["2:edge_gap", "4:edge_gap", "5:negative_reading", "6:edge_gap", "7:duplicate_reading"])
        #expect(out.readings.meterID == [1])
    }

    @Test("R-T2-5 a hole of outliers and missing rows past the maximum gap: outliers keep their reason, missing rows gap_too_long")
    func longHoleWithOutliers() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1,kW", "1,2024-01-01T00:30:00Z,101,kW", "1,2024-01-01T01:00:00Z,,kW",
            "1,2024-01-01T01:30:00Z,-2,kW", "1,2024-01-01T02:00:00Z,NULL,kW", "1,2024-01-01T02:30:00Z,3,kW",
            "1,2024-01-01T03:00:00Z,4,kW"))
        #expect(rejectSummary(out) == ["3:above_max", "4:gap_too_long", "5:negative_reading", "6:gap_too_long"])
        #expect(readings(out).map(\.ts) == ["2024-01-01T00:00:00Z", "2024-01-01T02:30:00Z", "2024-01-01T03:00:00Z"])
        #expect(readings(out).allSatisfy { $0.quality == .measured })
    }

    @Test("R-T2-4 the interpolation formula holds bit for bit on synthesised slots and rows")
    func interpolationBits() throws {
        let out = try transform(csv(
            "7,2024-01-01T00:00:00Z,0.1,kW", "7,2024-01-01T00:05:00Z,,kW", "7,2024-01-01T00:35:00Z,0.7,kW",
            "7,2024-01-01T00:40:00Z,0.3,kW", "7,2024-01-01T00:45:00Z,0.3,kW"))
        let a = "2024-01-01T00:00:00Z"
        let b = "2024-01-01T00:35:00Z"
        let expected = [0.1] + ["00:05", "00:10", "00:15", "00:20", "00:25", "00:30"].map {
            lerp(a, 0.1, b, 0.7, at: "2024-01-01T\($0):00Z")
        } + [0.7, 0.3, 0.3]
        #expect(out.readings.kw.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(out.interpolatedCount == 6)
        #expect(out.interpolatedRowCount == 1)
    }

    // MARK: R-IN-7 conservation

    @Test("R-IN-7 every row ends in exactly one outcome on a file that mixes every reason")
    func conservationEveryReason() throws {
        let out = try transform(csv(
            "1,2024-01-01T00:00:00Z,1",  // malformed_row
            "x,2024-01-01T00:00:00Z,1,kW",  // invalid_meter_id
            "1,2024-01-01T25:00:00Z,1,kW",  // invalid_timestamp
            "1,2024-01-01T00:00:00Z,one,kW",  // invalid_value
            "1,2024-01-01T00:00:00Z,1,mW",  // invalid_unit
            "1,2024-01-01T00:00:00Z,1,kW",
            "1,2024-01-01T00:00:00Z,2,kW",  // duplicate_reading
            "1,2024-01-01T00:15:00Z,,kW",  // interpolated row
            "1,2024-01-01T00:30:00Z,300,kW",  // above_max, slot interpolated
            "1,2024-01-01T00:45:00Z,-3,kW",  // negative_reading, slot interpolated
            "1,2024-01-01T01:00:00Z,4,kW",
            "1,2024-01-01T01:15:00Z,,kW",  // gap_too_long
            "1,2024-01-01T04:00:00Z,1,kW",
            "1,2024-01-01T04:15:00Z,NULL,kW",  // edge_gap
            "2,2024-01-01T00:00:00Z,1,kWh",  // unknown_interval
            "3,2024-01-01T00:00:00Z,1,kW"))
        #expect(out.dataRowCount == 16)
        #expect(out.rejects.count == 11)
        #expect(Set(out.rejects.map(\.reason)) == Set(RejectReason.allCases))
        #expect(out.measuredCount == 4)
        #expect(out.interpolatedRowCount == 1)
        #expect(out.interpolatedCount == 3)
        #expect(out.dataRowCount == out.measuredCount + out.interpolatedRowCount + out.rejects.count)
    }

    // MARK: R-F-1, R-F-2 features

    @Test("R-F-1 R-F-2 a +05:30 grid zone: hours start at :30 UTC; the default window 17–21")
    func halfHourGridZone() throws {
        var config = TransformConfig()
        config.gridTimeZone = try ZoneRules(named: "+05:30")
        let out = try transform(csv(
            "1,2024-01-01T11:29:59Z,1,kW", "1,2024-01-01T11:30:00Z,1,kW", "1,2024-01-01T15:29:59Z,1,kW",
            "1,2024-01-01T15:30:00Z,1,kW", "1,2024-01-01T18:30:00Z,1,kW", "2,1969-12-31T18:29:59Z,1,kW"), config)
        #expect(out.readings.hourOfDay == [16, 17, 20, 21, 0, 23])
        #expect(out.readings.isPeakWindow == [false, true, true, false, false, false])
    }

    @Test("R-F-1 R-F-2 a wrapping window 22–6 in a +05:30 grid zone")
    func wrappingWindowHalfHourZone() throws {
        var config = TransformConfig()
        config.gridTimeZone = try ZoneRules(named: "+05:30")
        config.peakWindow = try PeakWindow(parsing: "22-6")
        let out = try transform(csv(
            "1,2024-01-01T16:29:59Z,1,kW", "1,2024-01-01T16:30:00Z,1,kW", "1,2024-01-01T18:29:59Z,1,kW",
            "1,2024-01-01T18:30:00Z,1,kW", "1,2024-01-02T00:29:59Z,1,kW", "1,2024-01-02T00:30:00Z,1,kW"), config)
        #expect(out.readings.hourOfDay == [21, 22, 23, 0, 5, 6])
        #expect(out.readings.isPeakWindow == [false, true, true, true, true, false])
    }

    @Test("R-F-1 R-F-2 a DST grid zone: hours follow the clock across both changes, synthesised slots included")
    func dstGridZone() throws {
        var config = TransformConfig()
        config.gridTimeZone = try ZoneRules(named: "Europe/Berlin")
        config.peakWindow = try PeakWindow(parsing: "2-3")
        let out = try transform(csv(
            "1,2024-03-31T00:00:00Z,1,kW", "1,2024-03-31T00:30:00Z,1,kW", "1,2024-03-31T02:00:00Z,1,kW",
            "2,2024-10-27T00:00:00Z,1,kW", "2,2024-10-27T00:30:00Z,1,kW", "2,2024-10-27T02:00:00Z,1,kW"), config)
        // Spring: 01:00, 01:30 CET, [01:00Z → 03:00 CEST], 03:30, 04:00. Autumn: 02:00, 02:30 CEST, 02:00, 02:30 CET, 03:00.
        #expect(out.readings.hourOfDay == [1, 1, 3, 3, 4, 2, 2, 2, 2, 3])
        #expect(out.readings.isPeakWindow == [false, false, false, false, false, true, true, true, true, false])
        #expect(readings(out).map(\.quality).filter { $0 == .interpolated }.count == 4)
    }
}
