import Testing

@testable import LoadTestFleet

/// What the generator writes, checked against the bytes themselves.
struct FleetContentTests {
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        return body.split(separator: 10, omittingEmptySubsequences: false).map { line in
            Array(line.last == 13 ? line.dropLast() : line)
        }.filter { line in !line.allSatisfy { $0 == 32 || $0 == 9 } }
    }

    /// A small validator for the generator's own output (no field holds a comma or a line break):
    /// too few fields, invalid UTF-8 (the generator only ever uses 0xFF for that), text after a closing
    /// quote, or a quote inside an unquoted field.
    static func isMalformed(_ line: [UInt8], headerFields: Int) -> Bool {
        let fields = line.split(separator: 44, omittingEmptySubsequences: false)
        if fields.count < headerFields { return true }
        for f in fields {
            if f.contains(0xFF) { return true }
            let t = f.drop { $0 == 32 || $0 == 9 }
            let quotes = t.filter { $0 == 34 }.count
            if t.first == 34 {
                let trimmed = Array(t).reversed().drop { $0 == 32 || $0 == 9 }
                if quotes != 2 || trimmed.first != 34 { return true }
            } else if quotes > 0 {
                return true
            }
        }
        return false
    }

    @Test("R-L-1 data rows, malformed rows and DST offsets in the bytes match what the expectation counts")
    func bytesMatchExpectation() {
        let fleet = Fleet(spec: FleetSpec(meters: 300, hours: 30, intervalMinutes: 15, seed: 21, files: 6))
        var malformed = 0
        var expectedMalformed = 0
        var berlinWinter = 0
        var berlinSummer = 0
        for i in 0..<fleet.fileCount {
            let expected = fleet.expectedOutcome(ofFile: i)
            guard expected.failure == nil, expected.duplicateOf == nil else { continue }
            let lines = Self.lines(fleet.fileBytes(i))
            let header = lines[0].split(separator: 44, omittingEmptySubsequences: false).count
            let data = lines.dropFirst()
            #expect(data.count == expected.dataRows, "\(fleet.fileName(i))")
            malformed += data.filter { Self.isMalformed($0, headerFields: header) }.count
            expectedMalformed += expected.rejects["malformed_row"] ?? 0
            for line in data {
                let text = String(decoding: line, as: UTF8.self)
                if text.contains("2026-03-29 01:45:00+01:00") || text.contains("2026-03-29T01:45+0100") {
                    berlinWinter += 1
                }
                if text.contains("2026-03-29 03:00:00+02:00") || text.contains("2026-03-29T03:00+0200") {
                    berlinSummer += 1
                }
            }
        }
        #expect(malformed == expectedMalformed)
        #expect(malformed > 0)
        // Both sides of the Europe/Berlin change (2026-03-29T01:00Z) are written with their own offsets.
        #expect(berlinWinter > 0 && berlinSummer > 0)
    }

    @Test("R-L-1 the realistic profile's fault counts are near the requested rates")
    func faultRates() {
        let spec = FleetSpec(meters: 600, hours: 24, intervalMinutes: 15, seed: 22, files: 4)
        let fleet = Fleet(spec: spec)
        let e = fleet.expectation()
        let rows = Double(spec.nominalReadings)
        func near(_ reason: String, _ rate: Double, _ line: Int = #line) {
            let n = Double(e.rejects[reason] ?? 0)
            // Corrections add up to ~25 % more rows; allow a wide band for counts of a few dozen.
            #expect(n >= 0.4 * rate * rows && n <= 2.5 * rate * rows, "\(reason): \(n) for rate \(rate)")
        }
        near("negative_reading", FaultProfile.realistic.negative)
        near("above_max", FaultProfile.realistic.spike)
        near("malformed_row", FaultProfile.realistic.malformed)
        near("duplicate_reading", FaultProfile.realistic.duplicateRow)
        near("invalid_unit", FaultProfile.realistic.invalidField / 4)
        #expect((e.rejects["gap_too_long"] ?? 0) > 0, "long missing runs are not filled")
        #expect((e.rejects["edge_gap"] ?? 0) > 0)
        let interpolated = e.meters.values.reduce(0) { $0 + $1.interpolated }
        #expect(interpolated > 0)
        #expect(e.hotReadings < spec.nominalReadings && e.hotReadings > spec.nominalReadings * 9 / 10)
    }

    @Test("a clean two-meter fleet, checked by hand from its own bytes")
    func handChecked() {
        // 2 meters × 2 h at 30 min, one file, no faults: 8 rows `id,YYYY-MM-DDThh:mm:00Z,v,kW`.
        let fleet = Fleet(spec: FleetSpec(meters: 2, hours: 2, intervalMinutes: 30, seed: 4, files: 1, faults: .clean))
        #expect(fleet.fileCount == 1)
        #expect(fleet.fileName(0) == "fleet-s4-000000-data-w0-g0.csv")
        let lines = Self.lines(fleet.fileBytes(0)).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.count == 9)
        #expect(lines[0] == "meter_id,timestamp,reading_value,unit")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { $0[0] } == ["9223372036854775807"] * 4 + ["1000008"] * 4)
        #expect(
            rows.map { $0[1] }.prefix(4) == [
                "2026-03-28T12:00:00Z", "2026-03-28T12:30:00Z", "2026-03-28T13:00:00Z", "2026-03-28T13:30:00Z",
            ])
        #expect(rows.allSatisfy { $0[3] == "kW" && $0[2].split(separator: ".").last?.count == 4 })
        let v = rows.map { Double($0[2])! }
        let e = fleet.expectation()
        #expect(e.hotReadings == 8)
        #expect(e.rejects.isEmpty)
        #expect(e.jobs == ExpectedJobs(files: 1, succeeded: 1, duplicate: 0, quarantined: 0))
        #expect(
            e.meters[Int64.max]
                == MeterTotals(readings: 4, measured: 4, interpolated: 0, kwSum: v[0] + v[1] + v[2] + v[3]))
        #expect(e.meters[1_000_008]?.kwSum == v[4] + v[5] + v[6] + v[7])
        // grid_hourly: Σ over meters of each meter's mean in the hour (R-F-3).
        let h0: Int64 = 1_774_699_200
        let h1 = h0 + 3600
        #expect(e.gridHourly[h0] == GridHour(meters: 2, loadKw: (v[0] + v[1]) / 2 + (v[4] + v[5]) / 2))
        #expect(e.gridHourly[h1] == GridHour(meters: 2, loadKw: (v[2] + v[3]) / 2 + (v[6] + v[7]) / 2))
        #expect(
            e.archiveDays == [
                "2026-03-28": ArchiveDay(rows: 8, kwSum: (v[0] + v[1] + v[2] + v[3]) + (v[4] + v[5] + v[6] + v[7]))
            ])
        #expect(e.sampleRows[Int64.max]?.map(\.jobOrdinal) == [0, 0, 0, 0])
        #expect(e.sampleRows[Int64.max]?.map(\.kw) == Array(v.prefix(4)))
    }

    @Test("timestamps across the Europe/Berlin change carry +01:00, then +02:00, for the same instants")
    func berlinOffsets() {
        let change: Int64 = 1_774_746_000  // 2026-03-29T01:00:00Z
        func text(_ t: Int64, _ style: UInt8) -> String {
            var w = RowWriter()
            w.timestamp(t, style: style)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        #expect(text(change - 900, 1) == "2026-03-29 01:45:00+01:00")
        #expect(text(change, 1) == "2026-03-29 03:00:00+02:00")
        #expect(text(change, 2) == "2026-03-29T03:00+0200")
        #expect(text(change, 5) == "2026-03-28T20:00:00-05")
        #expect(text(change, 6) == "2026-03-29T06:30:00.000000+05:30")
        var w = RowWriter()
        w.timestamp(change, style: RowWriter.naiveStyle, naive: .berlin)
        #expect(String(decoding: w.bytes, as: UTF8.self) == "2026-03-29 03:00:00")
        #expect(text(change, RowWriter.naiveStyle) == "2026-03-29 01:00:00")
        #expect(CivilTime.berlinOffset(unixSeconds: 1_792_890_000) == 3600)  // 2026-10-25T01:00Z: winter again
        #expect(CivilTime.berlinOffset(unixSeconds: 1_792_889_999) == 7200)
    }
}

private func * (lhs: [String], rhs: Int) -> [String] { Array([[String]](repeating: lhs, count: rhs).joined()) }
