import Foundation
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

/// R-H-2 without a tolerance: the rollup is the exact sum of each reading's `kw::numeric`, so
/// `grid_hourly` must equal a from-scratch aggregate over `readings` bit for bit, whatever the
/// values (not multiples of 1/8 here) and however many corrections replaced them.
@Suite struct HotStoreExactRollupTests {
    /// Rows where grid_hourly or meter_hourly differ from R-F-3 computed from scratch over
    /// readings with the same exact definition: per (meter, grid hour) Σ kw::numeric and the
    /// count; load = Σ over meters of the numeric mean, as double precision. Hours come from
    /// truncating grid-zone local time (a formula independent of the store's gs_hour_start).
    /// With `storeHours`, hours come from the store's gs_hour_start instead: truncating local
    /// time merges the two passes of a fall-back hour and misplaces a 30-minute DST shift's hours.
    static func exactMismatches(_ db: TestDatabase, zone: String, storeHours: Bool = false) throws -> Int64 {
        let hour =
            storeHours ? "gs_hour_start(ts, $1) AT TIME ZONE $1" : "date_trunc('hour', ts AT TIME ZONE $1)"
        return try db.int(
            """
            WITH per_meter AS (
                SELECT \(hour) AS local_hour, meter_id,
                       sum(kw::numeric) AS kw_sum, count(*) AS n
                FROM readings GROUP BY 1, 2
            ), scratch AS (
                SELECT local_hour, count(*)::int AS meters, sum(trim_scale(kw_sum) / n)::double precision AS load_kw
                FROM per_meter GROUP BY 1
            ), maintained AS (
                SELECT hour_start AT TIME ZONE $1 AS local_hour, meters, load_kw FROM grid_hourly
            ), hourly AS (
                SELECT p.meter_id FROM per_meter p
                FULL JOIN (SELECT hour_start AT TIME ZONE $1 AS local_hour, meter_id, kw_sum, readings FROM meter_hourly) m
                    USING (local_hour, meter_id)
                WHERE p.kw_sum IS DISTINCT FROM m.kw_sum OR p.n IS DISTINCT FROM m.readings
            )
            SELECT (SELECT count(*) FROM scratch s FULL JOIN maintained m USING (local_hour)
                    WHERE s.meters IS DISTINCT FROM m.meters OR s.load_kw IS DISTINCT FROM m.load_kw)
                 + (SELECT count(*) FROM hourly)
            """, [.text(zone)])
    }

    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// Values that no binary fraction represents, and magnitudes far apart in one hour
    /// (1e-7 next to 1e4; 1e-20 next to 1e10 overflows the client-side sum on purpose).
    static func value(_ r: inout Random) -> Double {
        switch r.below(12) {
        case 0: 0.1
        case 1: 1.0 / 3
        case 2: 1e-7
        case 3: 1e4
        case 4: 1e4 + 0.1
        case 5: 1e-7 / 3
        case 6: -2.0 / 3
        case 7: 0.1 + 0.2
        case 8: r.below(50) == 0 ? (r.below(2) == 0 ? 1e-20 / 3 : 1e10 / 3) : 7.77
        default: r.unit() * 250
        }
    }

    @Test("PostgreSQL's kw::numeric and DecimalSum agree on single values and on sums")
    func decimalSumMatchesPostgresNumeric() throws {
        let db = try TestDatabase()
        var r = Random(state: 42)
        var singles: [Double] = [
            0.1, 1.0 / 3, 1e-7, 1e4, 1e-7 / 3, 0.1 + 0.2, -0.0, 1e20, 1e-300, -123456789012345.6, 5e-324,
            Double.greatestFiniteMagnitude, 999999999999999.9, 0.000123, 2.5, -7.125,
        ]
        for _ in 0..<300 { singles.append((r.unit() - 0.5) * pow(10, Double(r.below(40) - 20))) }
        for x in singles {
            var sum = DecimalSum()
            sum.add(x)
            #expect(!sum.overflowed || abs(x) > 1e38)
            guard !sum.overflowed else { continue }
            #expect(sum.numericBinary == sum.numericBinaryFromDigits, "\(x)")
            let equal = try db.scalar(
                "SELECT ($1::float8::numeric = $2::numeric)::text", [.double(x), .text(sum.literal)])
            #expect(equal == "true", "\(x): client \(sum.literal)")
        }
        for _ in 0..<200 {
            let values = (0..<(1 + r.below(8))).map { _ in Self.value(&r) }
            var sum = DecimalSum()
            values.forEach { sum.add($0) }
            guard !sum.overflowed else { continue }
            #expect(sum.numericBinary == sum.numericBinaryFromDigits, "\(values)")
            let server = try db.scalar(
                "SELECT (sum(v::numeric) = $2::numeric)::text FROM unnest($1::float8[]) AS v",
                [.doubleArray(values), .text(sum.literal)])
            #expect(server == "true", "\(values): client \(sum.literal)")
        }
    }

    @Test("R-H-2 grid_hourly equals the exact from-scratch aggregate after 10 000 random corrections")
    func exactRollupAfterRandomCorrections() throws {
        let db = try TestDatabase(maxConnections: 2)
        try db.hot.setGridTimeZone("Asia/Kolkata")
        var r = Random(state: 8)
        let meters: ClosedRange<Int64> = 1...40
        let base = try db.makeRunningJob("base.csv")
        let first = makeBatch(meters: meters, slots: 0..<96) { _, _ in Self.value(&r) }
        #expect(try db.hot.commit(HotCommitParams(lease: base.lease, readings: first)).isCommitted)
        // 20 files of 500 readings each re-send random instants (some new ones past the end),
        // committed in shuffled order, so later-landed jobs replace and earlier ones lose.
        var jobs: [Job] = []
        for i in 0..<20 { jobs.append(try db.makeRunningJob("correction-\(i).csv", worker: "w\(i)")) }
        var order = jobs
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, r.below(i + 1)) }
        var expected: [String: (job: Int64, kw: Double)] = [:]
        for i in 0..<first.count { expected["\(first.meterID[i])/\(first.ts[i])"] = (base.id, first.kw[i]) }
        var corrections = 0
        for job in order {
            var keys = Set<Int64>()
            while keys.count < 500 { keys.insert(Int64(r.below(meters.count)) * 1000 + Int64(r.below(104))) }
            var batch = ReadingBatch()
            for key in keys.sorted() {
                let ts: Int64 = 1_767_225_600_000_000 + (key % 1000) * 900_000_000
                let kw = Self.value(&r)
                batch.append(
                    meterID: key / 1000 + 1, ts: ts, kw: kw, quality: .measured, hourOfDay: 0, isPeakWindow: false)
                let k = "\(key / 1000 + 1)/\(ts)"
                if (expected[k]?.job ?? 0) < job.id { expected[k] = (job.id, kw) }
            }
            corrections += batch.count
            #expect(try db.hot.commit(HotCommitParams(lease: job.lease, readings: batch)).isCommitted)
        }
        #expect(corrections == 10_000)
        #expect(try Self.exactMismatches(db, zone: "Asia/Kolkata") == 0)
        #expect(try db.int("SELECT count(*) FROM grid_hourly") >= 26)
        // Every instant holds the highest job id's value, exactly (R-H-1).
        let stored = try db.pool.withConnection { c in
            try c.query("SELECT meter_id, gs_to_unix_micros(ts) AS us, job_id, kw FROM readings").allRows
        }
        #expect(stored.count == expected.count)
        let wrong = try stored.filter { row in
            let e = expected["\(try row.int("meter_id"))/\(try row.int("us"))"]
            let job = try row.int("job_id")
            let kw = try row.double("kw")
            return e?.job != job || e?.kw != kw
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    @Test(
        "R-H-1 R-H-2 re-sends, wider files and late lower job ids keep rollups exact (Lord Howe DST)",
        arguments: [1_775_260_800_000_000, 1_790_985_600_000_000] as [Int64])  // 2026-04-04 and 2026-10-03 UTC
    func reSentRangesKeepRollupsExact(dayStart: Int64) throws {
        let db = try TestDatabase()
        try db.hot.setGridTimeZone("Australia/Lord_Howe")
        var r = Random(state: UInt64(dayStart))
        let five: Int64 = 300_000_000
        func batch(_ meters: ClosedRange<Int64>, _ instants: [Int64]) -> ReadingBatch {
            var b = ReadingBatch()
            for m in meters {
                for t in instants {
                    b.append(
                        meterID: m, ts: t, kw: Self.value(&r), quality: .measured, hourOfDay: 0, isPeakWindow: false)
                }
            }
            return b
        }
        // 24 h of 5-minute readings around the DST change (15:00 / 15:30 UTC that day).
        let day = (0..<288).map { dayStart + Int64($0) * five }
        var expected: [String: (job: Int64, kw: Double)] = [:]
        func commit(_ job: Job, _ b: ReadingBatch) throws -> HotCommitStats? {
            guard case .committed(let stats) = try db.hot.commit(HotCommitParams(lease: job.lease, readings: b)) else {
                return nil
            }
            for i in 0..<b.count where (expected["\(b.meterID[i])/\(b.ts[i])"]?.job ?? 0) < job.id {
                expected["\(b.meterID[i])/\(b.ts[i])"] = (job.id, b.kw[i])
            }
            return stats
        }
        let early = try db.makeRunningJob("early.csv", worker: "w0")  // commits last, loses everywhere
        let first = try db.makeRunningJob("first.csv")
        let resend = try db.makeRunningJob("resend.csv")
        let wider = try db.makeRunningJob("wider.csv")
        #expect(try commit(first, batch(1...6, day))?.inserted == 6 * 288)
        // A mid-day re-send of meters 1–4 (starting off the hour): every stored reading in its
        // ranges is replaced, inner hours are rewritten whole, the edge hours adjusted.
        let middle = Array(day[100..<230])
        #expect(
            try commit(resend, batch(1...4, middle))
                == HotCommitStats(inserted: 0, replaced: 4 * 130, keptNewer: 0, transactionRuns: 1))
        // A wider file for meters 3–8 with extra instants between the stored ones: re-sends and
        // inserts mixed, new meters included.
        let wide = (150..<288).flatMap { [day[$0], day[$0] + 150_000_000] }
        #expect(
            try commit(wider, batch(3...8, wide))
                == HotCommitStats(inserted: 6 * 138 + 2 * 138, replaced: 4 * 138, keptNewer: 0, transactionRuns: 1))
        // The lowest job id lands last: only instants nobody stored go in.
        let stats = try commit(early, batch(1...8, Array(day[0..<200])))
        // Meters 7–8 were stored by the wider file from slot 150 on.
        #expect(
            stats == HotCommitStats(inserted: 2 * 150, replaced: 0, keptNewer: 6 * 200 + 2 * 50, transactionRuns: 1))
        #expect(try Self.exactMismatches(db, zone: "Australia/Lord_Howe", storeHours: true) == 0)
        let stored = try db.pool.withConnection { c in
            try c.query("SELECT meter_id, gs_to_unix_micros(ts) AS us, job_id, kw FROM readings").allRows
        }
        #expect(stored.count == expected.count)
        let wrong = try stored.filter { row in
            let e = expected["\(try row.int("meter_id"))/\(try row.int("us"))"]
            let job = try row.int("job_id")
            let kw = try row.double("kw")
            return e?.job != job || e?.kw != kw
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
        // Hours start at :30 UTC under +10:30 and at :00 under +11: the day has both.
        #expect(
            try db.int(
                "SELECT count(DISTINCT extract(minute FROM hour_start AT TIME ZONE 'UTC')) FROM grid_hourly") == 2)
    }

    @Test("R-H-2 migrating a store in place replaces drifted float sums by exact ones")
    func migrationRecomputesDriftedSums() throws {
        let db = try TestDatabase(migrate: false)
        let all = try Migrator().migrations
        try db.pool.withConnection { try Migrator(migrations: all.filter { $0.version <= 2 }).migrate($0) }
        try db.pool.withConnection { c in
            try c.execute(
                unsafeSQL: """
                    INSERT INTO readings
                    SELECT m, to_timestamp(1767225600 + s * 900), (m * 0.1 + s / 3.0)::float8, 'measured', 0, false, 1
                    FROM generate_series(1, 5) m, generate_series(0, 11) s;
                    -- Sums as the old code kept them, plus the drift of many float corrections.
                    INSERT INTO meter_hourly
                    SELECT meter_id, date_trunc('hour', ts, 'UTC'), sum(kw) + 1e-13, count(*) FROM readings GROUP BY 1, 2;
                    """)
        }
        #expect(try Self.exactMismatches(db, zone: "UTC") > 0)
        try db.pool.withConnection { try Migrator().migrate($0) }
        #expect(try Self.exactMismatches(db, zone: "UTC") == 0)
        #expect(try db.scalar("SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'meter_hourly' AND column_name = 'kw_sum'") == "numeric")
        #expect(try db.int("SELECT count(*) FROM grid_peak_hours") == 3)
    }
}

extension HotCommitResult {
    var isCommitted: Bool {
        if case .committed = self { return true }
        return false
    }
}
