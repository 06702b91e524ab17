import Testing

@testable import LoadTestFleet

/// The expectation's T2 model on hand-made rows, each outcome worked out by hand from SPEC §2–3.
/// Fleet: start 2026-03-28T00:00Z, 15-minute slots, max 100 kW, max gap 2 h (8 slots).
struct SeriesModelTests {
    let model = SeriesModel(spec: FleetSpec(meters: 1, hours: 24, intervalMinutes: 15))

    func kw(_ slot: Int, _ value: Double, _ unit: PlannedRow.Unit = .kw) -> PlannedRow {
        PlannedRow(
            slot: slot, kind: .value, unit: unit, mantissa: Int64((value * RowWriter.pow10[unit.decimals]).rounded()))
    }
    func missing(_ slot: Int) -> PlannedRow { PlannedRow(slot: slot, kind: .missing) }
    func run(_ rows: [PlannedRow], lo: Int = 0, hi: Int = 96) -> SeriesOutcome {
        var out = SeriesOutcome()
        model.run(rows, lo: lo, hi: hi, into: &out)
        return out
    }
    func rejects(_ out: SeriesOutcome) -> [String: Int] {
        var d: [String: Int] = [:]
        for r in Reason.allCases where out.rejects[r.rawValue] > 0 { d[r.name] = out.rejects[r.rawValue] }
        return d
    }

    @Test("R-T2-4 a missing value and a missing slot between valid neighbours are interpolated linearly")
    func interpolation() {
        // 1 kW at slot 0, missing value at 1, no row at 2, 4 kW at 3: slots 1 and 2 get 2 and 3 kW.
        let out = run([kw(0, 1), missing(1), kw(3, 4)])
        #expect(out.slots == [0, 1, 2, 3])
        #expect(out.kw == [1, 2, 3, 4])
        #expect(out.interpolated == [false, true, true, false])
        #expect(out.interpolatedRows == 1)
        #expect(rejects(out).isEmpty)
    }

    @Test("R-T2-4/R-T2-5 a hole spanning exactly the max gap is filled; one slot more is not")
    func maxGapBoundary() {
        // Valid at 0 and 8: 8 × 15 min = 2 h ≤ max gap → 7 missing rows filled.
        let filled = run([kw(0, 1)] + (1...7).map(missing) + [kw(8, 9)])
        #expect(filled.slots.count == 9)
        #expect(filled.kw[4] == 5)
        // Valid at 0 and 9: 2 h 15 min → 8 missing rows are gap_too_long and nothing is synthesised.
        let open = run([kw(0, 1)] + (1...6).map(missing) + [kw(9, 10)])
        #expect(open.slots == [0, 9])
        #expect(rejects(open) == ["gap_too_long": 6])
    }

    @Test("R-T2-5 missing values at the series' edges are edge_gap")
    func edges() {
        let out = run([missing(0), kw(1, 1), kw(2, 2), missing(3)])
        #expect(out.slots == [1, 2])
        #expect(rejects(out) == ["edge_gap": 2])
    }

    @Test("R-T2-1 outliers are rejects and their slots are filled; -0 is zero, not negative")
    func outliers() {
        var negZero = kw(2, 0)
        negZero.negativeZero = true
        let out = run([kw(0, 1), kw(1, 150), negZero, kw(3, -0.5), kw(4, 4)])
        #expect(out.slots == [0, 1, 2, 3, 4])
        #expect(out.kw == [1, 0.5, 0, 2, 4])
        #expect(out.interpolated == [false, true, false, true, false])
        #expect(out.interpolatedRows == 0)
        #expect(rejects(out) == ["above_max": 1, "negative_reading": 1])
    }

    @Test("R-T2-0 energy rows are kWh ÷ the meter's interval; W, MW, Wh scale first")
    func energy() {
        // 15 min = 0.25 h: 0.5 kWh → 2 kW; 250 Wh → 1 kW; 3000 W → 3 kW; 0.004 MW → 4 kW.
        let out = run([kw(0, 0.5, .kwh), kw(1, 250, .wh), kw(2, 3000, .w), kw(3, 0.004, .mw)])
        #expect(out.kw == [2, 1, 3, 4])
    }

    @Test("R-T2-2 the interval is the most frequent difference, the smaller on a tie; energy uses it")
    func intervalFromData() {
        // Differences 30, 30, 15 min: interval 30 min → 1 kWh is 2 kW, and slot 1 (15 min) is no slot.
        let out = run([kw(0, 1, .kwh), kw(2, 1), kw(4, 1), kw(5, 1)])
        #expect(out.kw[0] == 2)
        // A lone energy row has no interval: unknown_interval, and no slot.
        let lone = run([kw(10, 1, .kwh)])
        #expect(lone.slots.isEmpty)
        #expect(rejects(lone) == ["unknown_interval": 1])
    }

    @Test("R-T1-5 the first row with a value wins, even after a missing one; the rest are duplicates")
    func duplicates() {
        let out = run([kw(0, 1), missing(1), kw(1, 5), kw(1, 7), kw(2, 3)])
        #expect(out.kw == [1, 5, 3])
        #expect(out.interpolated == [false, false, false])
        #expect(rejects(out) == ["duplicate_reading": 2])
    }

    @Test("R-IN-5/R-T1 rejected rows are no slots: the gap they leave is synthesised")
    func t1RejectsLeaveSlots() {
        var bad = kw(1, 9)
        bad.kind = .badUnit
        var malformed = kw(2, 9)
        malformed.kind = .malformed
        // Timestamps 0, 3, 4, 5: differences 3, 1, 1 → interval 15 min, so slots 1 and 2 are synthesised.
        let out = run([kw(0, 1), bad, malformed, kw(3, 4), kw(4, 4), kw(5, 4)])
        #expect(out.kw == [1, 2, 3, 4, 4, 4])
        #expect(out.interpolated == [false, true, true, false, false, false])
        // With only 0 and 3 left the interval is 45 min: nothing lies between them.
        #expect(run([kw(0, 1), bad, malformed, kw(3, 4)]).slots == [0, 3])
        #expect(rejects(out) == ["invalid_unit": 1, "malformed_row": 1])
    }
}
