import GreenStreamCore
import Testing

@testable import LoadTestFleet

/// The strongest check: every file of small fleets through the real transformation core, compared with
/// the expectation file by file (rows, qualities, kW, reject counts) and then as a whole (the hot store
/// the jobs imply, grid_hourly, the archive, rejects, sample rows). The generator never calls the core;
/// only this test does. A mismatch is a bug in the model or in the product.
struct FleetDifferentialTests {
    /// Many faults of every kind in few rows, so a small fleet still meets each of them often.
    static let stress = FaultProfile(
        missingValue: 0.03, missingSlot: 0.02, negative: 0.01, spike: 0.01, malformed: 0.01, invalidField: 0.02,
        duplicateRow: 0.02, zero: 0.01, longMissingRun: 0.15, shortMissingRun: 0.2, offlineRun: 0.1,
        reversedSeries: 0.2, correctionsPerFile: 0.5, duplicateFile: true, badFile: true, formatVariety: true)

    static let specs: [FleetSpec] = [
        FleetSpec(meters: 40, hours: 30, intervalMinutes: 15, seed: 11, files: 6, faults: stress),
        FleetSpec(meters: 25, hours: 12, intervalMinutes: 5, seed: 12, files: 4, faults: stress),
        FleetSpec(meters: 30, hours: 48, intervalMinutes: 60, seed: 13, files: 3, faults: stress),
        FleetSpec(meters: 30, hours: 26, intervalMinutes: 30, seed: 14, files: 5),
        FleetSpec(meters: 20, hours: 6, intervalMinutes: 15, seed: 15, files: 2, faults: .clean),
        // Local times without a designator in Europe/Berlin across the spring change (R-T1-2), a low
        // max kW and a short max gap.
        FleetSpec(
            meters: 30, hours: 24, intervalMinutes: 15, seed: 16, files: 3, faults: stress,
            settings: ExpectedSettings(sourceTimeZone: "Europe/Berlin", maxKW: 5, maxGapSeconds: 3600)),
    ]

    static func config(_ s: ExpectedSettings) throws -> TransformConfig {
        TransformConfig(
            sourceTimeZone: try ZoneRules(named: s.sourceTimeZone), gridTimeZone: try ZoneRules(named: s.gridTimeZone),
            maxKW: s.maxKW, maxGapMicros: Int64(s.maxGapSeconds) * 1_000_000, maxFileBytes: s.maxFileBytes)
    }

    @Test("the differential fleets meet every reject reason, time-major files and both DST offsets")
    func coverage() {
        var reasons: Set<String> = []
        var timeMajor = 0
        var grouped = 0
        for spec in Self.specs {
            let fleet = Fleet(spec: spec)
            reasons.formUnion(fleet.expectation().rejects.keys)
            for i in 0..<fleet.fileCount {
                guard case .data(let d) = fleet.kinds[i] else { continue }
                if fleet.format(contentTag: UInt64(d)).timeMajor { timeMajor += 1 } else { grouped += 1 }
            }
        }
        #expect(reasons == Set(Reason.allCases.map(\.name)))
        let berlin = Fleet(spec: Self.specs.last!)
        #expect(berlin.naiveZone == .berlin)
        #expect((0..<berlin.spec.meters).contains { berlin.tsStyle($0) == RowWriter.naiveStyle })
        #expect(Fleet(spec: Self.specs[0]).naiveZone == .utc)
        #expect(timeMajor > 0 && grouped > 0)
    }

    @Test("R-L-1 every file's transform equals the expectation's outcome for it", arguments: specs)
    func perFile(spec: FleetSpec) throws {
        let fleet = Fleet(spec: spec)
        let transformer = Transformer(config: try Self.config(spec.settings))
        for i in 0..<fleet.fileCount {
            let expected = fleet.expectedOutcome(ofFile: i)
            let bytes = fleet.fileBytes(i)
            if let of = expected.duplicateOf {
                #expect(bytes == fleet.fileBytes(of), "file \(i) must repeat file \(of) byte for byte")
                continue
            }
            let out: TransformOutput
            do {
                out = try transformer.transform(bytes)
            } catch {
                #expect(expected.failure == error.reason, "file \(i) \(fleet.fileName(i))")
                continue
            }
            #expect(expected.failure == nil, "file \(i) should fail with \(expected.failure ?? "")")
            let name = fleet.fileName(i)
            #expect(out.dataRowCount == expected.dataRows, "\(name): data rows")
            #expect(out.isConserved)
            var rejects: [String: Int] = [:]
            for (r, n) in out.rejectCounts { rejects[r.rawValue] = n }
            #expect(rejects == expected.rejects, "\(name): rejects")
            #expect(out.measuredCount == expected.measured, "\(name): measured")
            #expect(out.interpolatedCount == expected.interpolated, "\(name): interpolated")
            #expect(out.interpolatedRowCount == expected.interpolatedRows, "\(name): interpolated rows")
            let r = out.readings
            #expect(r.count == expected.meterIDs.count, "\(name): readings")
            var shown = 0
            for j in 0..<min(r.count, expected.meterIDs.count) {
                let same =
                    r.meterID[j] == expected.meterIDs[j] && r.ts[j] == expected.tsMicros[j]
                    && r.quality[j].name == expected.quality[j]
                    && FleetExpectation().kwMatches(expected: expected.kw[j], actual: r.kw[j])
                if !same && shown < 5 {
                    shown += 1
                    Issue.record(
                        """
                        \(name) reading \(j): product (\(r.meterID[j]), \(r.ts[j]), \(r.kw[j]), \(r.quality[j].name)) \
                        expected (\(expected.meterIDs[j]), \(expected.tsMicros[j]), \(expected.kw[j]), \
                        \(expected.quality[j]))
                        """)
                }
            }
        }
    }

    @Test("R-H-1/R-F-3/R-P-1 the jobs' outputs together give the expected hot store, grid, archive", arguments: specs)
    func wholeFleet(spec: FleetSpec) throws {
        let fleet = Fleet(spec: spec)
        let expected = fleet.expectation()
        let transformer = Transformer(config: try Self.config(spec.settings))
        // What the product implies: later landings replace (R-H-1); every job archives its rows (R-P-1).
        var final: [Int64: [Int64: (kw: Double, quality: Quality, job: Int)]] = [:]
        var archive: [String: ArchiveDay] = [:]
        var rejects: [String: Int] = [:]
        var jobs = ExpectedJobs(files: fleet.fileCount)
        for i in 0..<fleet.fileCount {
            if fleet.expectedOutcome(ofFile: i).duplicateOf != nil {
                jobs.duplicate += 1
                continue
            }
            guard let out = try? transformer.transform(fleet.fileBytes(i)) else {
                jobs.quarantined += 1
                continue
            }
            jobs.succeeded += 1
            for (r, n) in out.rejectCounts { rejects[r.rawValue, default: 0] += n }
            let r = out.readings
            for j in 0..<r.count {
                final[r.meterID[j], default: [:]][r.ts[j]] = (r.kw[j], r.quality[j], i)
                let day = LoadTestFleet.CivilTime.dateString(
                    days: LoadTestFleet.CivilTime.floorDiv(r.ts[j], 86_400_000_000))
                archive[day, default: ArchiveDay()].rows += 1
                archive[day, default: ArchiveDay()].kwSum += r.kw[j]
            }
        }
        #expect(jobs == expected.jobs)
        #expect(rejects == expected.rejects)
        #expect(final.values.reduce(0) { $0 + $1.count } == expected.hotReadings)
        #expect(Set(final.keys) == Set(expected.meters.keys))
        var grid: [Int64: GridHour] = [:]
        for (id, rows) in final {
            var totals = MeterTotals()
            var hours: [Int64: (Double, Int)] = [:]
            for ts in rows.keys.sorted() {
                let row = rows[ts]!
                totals.readings += 1
                if row.quality == .measured { totals.measured += 1 } else { totals.interpolated += 1 }
                totals.kwSum += row.kw
                let h = LoadTestFleet.CivilTime.floorDiv(ts, 3_600_000_000) * 3600
                hours[h, default: (0, 0)].0 += row.kw
                hours[h, default: (0, 0)].1 += 1
            }
            for (h, (sum, n)) in hours {
                grid[h, default: GridHour()].meters += 1
                grid[h, default: GridHour()].loadKw += sum / Double(n)
            }
            let want = try #require(expected.meters[id])
            #expect(totals.readings == want.readings && totals.measured == want.measured, "meter \(id)")
            #expect(totals.interpolated == want.interpolated, "meter \(id)")
            #expect(expected.kwMatches(expected: want.kwSum, actual: totals.kwSum), "meter \(id) kW sum")
            if let sample = expected.sampleRows[id] {
                let got = rows.keys.sorted().map { ts in
                    ExpectedReading(
                        tsMicros: ts, kw: rows[ts]!.kw, quality: rows[ts]!.quality.name, jobOrdinal: rows[ts]!.job)
                }
                #expect(got.count == sample.count, "sample meter \(id)")
                for (g, s) in zip(got, sample) {
                    #expect(g.tsMicros == s.tsMicros && g.quality == s.quality && g.jobOrdinal == s.jobOrdinal)
                    #expect(expected.kwMatches(expected: s.kw, actual: g.kw))
                }
            }
        }
        #expect(Set(grid.keys) == Set(expected.gridHourly.keys))
        for (h, g) in grid {
            let want = try #require(expected.gridHourly[h])
            #expect(g.meters == want.meters, "hour \(h)")
            #expect(
                expected.kwMatches(expected: want.loadKw, actual: g.loadKw), "hour \(h): \(g.loadKw) vs \(want.loadKw)")
        }
        #expect(Set(archive.keys) == Set(expected.archiveDays.keys))
        for (d, a) in archive {
            let want = try #require(expected.archiveDays[d])
            #expect(a.rows == want.rows, "archive \(d)")
            #expect(expected.kwMatches(expected: want.kwSum, actual: a.kwSum), "archive \(d)")
        }
        #expect(!expected.sampleRows.isEmpty)
    }
}

extension FleetSpec: CustomTestStringConvertible {
    public var testDescription: String {
        "\(meters) meters × \(hours) h @ \(intervalMinutes) min, \(files) files, seed \(seed)"
    }
}
