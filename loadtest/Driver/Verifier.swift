// Verification, read-only: the cluster's PostgreSQL and zones against the fleet's expectation,
// which the generator computed from its own decisions (never from the product's code). Each
// check adds precise mismatch lines; the verdict is PASS only when there are none.
import Foundation
import LoadTestFleet
import Postgres

/// One job row as the verifier and the latency figures need it.
public struct JobRow: Sendable, Codable, Equatable {
    public var id: Int64
    public var fileName: String
    public var state: String
    public var finishedMicros: Int64?
    public var storedRows: Int64
    public var duplicateOf: Int64?
    public var lastError: String?
}

/// What verification found.
public struct Verification: Sendable, Codable {
    /// Every mismatch, in check order.
    public var mismatches: [String] = []
    /// Checks run, by name, with how many items each compared.
    public var checked: [String: Int] = [:]
    public var passed: Bool { mismatches.isEmpty }
}

struct Verifier {
    let fleet: Fleet
    let expectation: FleetExpectation
    let db: ClusterDatabase
    let dataDirectory: String
    /// Mismatch lines kept per check (the rest are counted).
    var perCheckLimit = 50

    func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= expectation.kwTolerance * max(1.0, abs(a), abs(b))
    }

    func jobs() throws -> [JobRow] {
        let result = try db.query(
            """
            SELECT id, file_name, state::text,
                   (extract(epoch FROM finished_at) * 1000000)::bigint AS finished, coalesce(stored_rows, 0) AS stored,
                   duplicate_of, last_error
            FROM jobs ORDER BY id
            """)
        return try result.allRows.map {
            JobRow(
                id: try $0.int("id"), fileName: try $0.string("file_name"), state: try $0.string("state"),
                finishedMicros: try $0.optionalInt("finished"), storedRows: try $0.int("stored"),
                duplicateOf: try $0.optionalInt("duplicate_of"), lastError: try $0.text("last_error"))
        }
    }

    func run(jobs: [JobRow]) throws -> Verification {
        var v = Verification()
        var jobByName: [String: Int64] = [:]
        checkJobs(jobs, into: &v, jobByName: &jobByName)
        try checkMeters(into: &v)
        try checkSamples(jobByName: jobByName, into: &v)
        try checkGrid(into: &v)
        try checkArchive(into: &v)
        try checkRejects(into: &v)
        return v
    }

    /// Appends mismatch lines of one check, keeping the first `perCheckLimit`.
    func add(_ check: String, _ lines: [String], to v: inout Verification) {
        v.mismatches.append(contentsOf: lines.prefix(perCheckLimit).map { "\(check): \($0)" })
        if lines.count > perCheckLimit { v.mismatches.append("\(check): … and \(lines.count - perCheckLimit) more") }
    }

    // MARK: jobs

    func checkJobs(_ jobs: [JobRow], into v: inout Verification, jobByName: inout [String: Int64]) {
        var lines: [String] = []
        let expected = expectation.jobs
        var byState: [String: Int] = [:]
        for job in jobs { byState[job.state, default: 0] += 1 }
        let stuck = jobs.filter { !["succeeded", "duplicate", "quarantined"].contains($0.state) }
        for job in stuck.prefix(10) { lines.append("job \(job.id) (\(job.fileName)) is \(job.state), not terminal") }
        if jobs.count != expected.files { lines.append("\(jobs.count) jobs, expected \(expected.files) (one per landed file)") }
        for (state, want) in [("succeeded", expected.succeeded), ("duplicate", expected.duplicate), ("quarantined", expected.quarantined)] {
            let got = byState[state] ?? 0
            if got != want { lines.append("\(got) \(state) jobs, expected \(want)") }
        }
        var names: [String: [Int64]] = [:]
        for job in jobs { names[job.fileName, default: []].append(job.id) }
        var fleetNames = Set<String>()
        for i in 0..<fleet.fileCount {
            let name = fleet.fileName(i)
            fleetNames.insert(name)
            switch names[name]?.count ?? 0 {
            case 1: jobByName[name] = names[name]![0]
            case 0: lines.append("file #\(i) \(name) has no job")
            default: lines.append("file #\(i) \(name) has \(names[name]!.count) jobs: \(names[name]!)")
            }
        }
        // Which files end quarantined (and why) and which end duplicate (and of which job).
        let byID = Dictionary(jobs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (index, reason) in expectation.quarantineReasons.sorted(by: { $0.key < $1.key }) {
            guard let id = jobByName[fleet.fileName(index)], let job = byID[id] else { continue }
            if job.state != "quarantined" || !(job.lastError ?? "").contains(reason) {
                lines.append("file #\(index) \(job.fileName): job \(id) \(job.state) (\(job.lastError ?? "no error")), "
                    + "expected quarantined with reason \(reason)")
            }
        }
        for (index, original) in expectation.duplicateOf.sorted(by: { $0.key < $1.key }) {
            guard let id = jobByName[fleet.fileName(index)], let job = byID[id] else { continue }
            let want = jobByName[fleet.fileName(original)]
            if job.state != "duplicate" || job.duplicateOf != want {
                lines.append("file #\(index) \(job.fileName): job \(id) \(job.state) of \(job.duplicateOf.map(String.init) ?? "-"), "
                    + "expected duplicate of job \(want.map(String.init) ?? "?") (file #\(original))")
            }
        }
        for (name, ids) in names where !fleetNames.contains(name) {
            lines.append("job(s) \(ids) for \(name), which is not a file of this fleet")
        }
        add("jobs", lines, to: &v)
        v.checked["jobs"] = jobs.count
    }

    // MARK: readings per meter

    func checkMeters(into v: inout Verification) throws {
        let result = try db.query(
            """
            SELECT meter_id, count(*) AS n, sum(kw) AS kw,
                   count(*) FILTER (WHERE quality = 'measured') AS measured,
                   count(*) FILTER (WHERE quality = 'interpolated') AS interpolated
            FROM readings GROUP BY meter_id
            """)
        var lines: [String] = []
        var total = 0
        var seen = Set<Int64>()
        for row in result.allRows {
            let meter = try row.int("meter_id")
            let n = Int(try row.int("n"))
            let kw = try row.double("kw")
            let measured = Int(try row.int("measured"))
            let interpolated = Int(try row.int("interpolated"))
            total += n
            seen.insert(meter)
            guard let want = expectation.meters[meter] else {
                lines.append("meter \(meter): \(n) readings stored, expected none")
                continue
            }
            if n != want.readings { lines.append("meter \(meter): \(n) readings, expected \(want.readings)") }
            if measured != want.measured { lines.append("meter \(meter): \(measured) measured, expected \(want.measured)") }
            if interpolated != want.interpolated {
                lines.append("meter \(meter): \(interpolated) interpolated, expected \(want.interpolated)")
            }
            if !close(kw, want.kwSum) { lines.append("meter \(meter): sum kW \(kw), expected \(want.kwSum)") }
        }
        for meter in expectation.meters.keys.sorted() where !seen.contains(meter) {
            lines.append("meter \(meter): no readings, expected \(expectation.meters[meter]!.readings)")
        }
        if total != expectation.hotReadings {
            lines.insert("readings holds \(total) rows, expected \(expectation.hotReadings)", at: 0)
        }
        add("readings", lines, to: &v)
        v.checked["meters"] = expectation.meters.count
        v.checked["readings"] = total
    }

    // MARK: exact rows of the sample meters

    func checkSamples(jobByName: [String: Int64], into v: inout Verification) throws {
        var lines: [String] = []
        var compared = 0
        for meter in expectation.sampleRows.keys.sorted() {
            let want = expectation.sampleRows[meter]!
            let result = try db.query(
                """
                SELECT (extract(epoch FROM ts) * 1000000)::bigint AS ts, kw, quality, job_id
                FROM readings WHERE meter_id = $1 ORDER BY ts
                """, [.int(meter)])
            let rows = result.allRows
            if rows.count != want.count { lines.append("meter \(meter): \(rows.count) rows, expected \(want.count)") }
            for (row, w) in zip(rows, want) {
                let ts = try row.int("ts")
                let kw = try row.double("kw")
                let quality = try row.string("quality")
                let job = try row.int("job_id")
                let wantJob = jobByName[fleet.fileName(w.jobOrdinal)]
                compared += 1
                if ts != w.tsMicros {
                    lines.append("meter \(meter): row at ts \(ts) µs, expected ts \(w.tsMicros) µs (first differing row)")
                    break
                }
                if !close(kw, w.kw) || quality != w.quality || (wantJob != nil && job != wantJob!) {
                    lines.append(
                        "meter \(meter) ts \(ts) µs: (\(kw) kW, \(quality), job \(job)), expected (\(w.kw) kW, \(w.quality), "
                            + "job \(wantJob.map(String.init) ?? "?") = file #\(w.jobOrdinal) \(fleet.fileName(w.jobOrdinal)))")
                }
            }
        }
        add("sample rows", lines, to: &v)
        v.checked["sample rows"] = compared
    }

    // MARK: grid_hourly

    func checkGrid(into v: inout Verification) throws {
        let result = try db.query(
            "SELECT extract(epoch FROM hour_start)::bigint AS hour, meters, load_kw FROM grid_hourly ORDER BY 1")
        var lines: [String] = []
        var seen = Set<Int64>()
        for row in result.allRows {
            let hour = try row.int("hour")
            let meters = Int(try row.int("meters"))
            let load = try row.double("load_kw")
            seen.insert(hour)
            guard let want = expectation.gridHourly[hour] else {
                lines.append("hour \(iso(hour)): \(meters) meters / \(load) kW, expected no such hour")
                continue
            }
            if meters != want.meters || !close(load, want.loadKw) {
                lines.append("hour \(iso(hour)): \(meters) meters / \(load) kW, expected \(want.meters) / \(want.loadKw) kW")
            }
        }
        for hour in expectation.gridHourly.keys.sorted() where !seen.contains(hour) {
            lines.append("hour \(iso(hour)): missing, expected \(expectation.gridHourly[hour]!.meters) meters")
        }
        add("grid_hourly", lines, to: &v)
        v.checked["grid hours"] = result.rows.count
    }

    // MARK: archive

    func checkArchive(into v: inout Verification) throws {
        var lines: [String] = []
        let days: [String: ArchiveDayTotals]
        do {
            days = try ArchiveTotals.read(dataDirectory: dataDirectory)
        } catch {
            add("archive", ["cannot read the archive: \(error)"], to: &v)
            return
        }
        for (date, got) in days.sorted(by: { $0.key < $1.key }) {
            guard let want = expectation.archiveDays[date] else {
                if got.rows > 0 { lines.append("date \(date): \(got.rows) rows in \(got.files) files, expected none") }
                continue
            }
            if got.rows != want.rows || !close(got.kwSum, want.kwSum) {
                lines.append("date \(date): \(got.rows) rows / \(got.kwSum) kW, expected \(want.rows) / \(want.kwSum) kW")
            }
        }
        for (date, want) in expectation.archiveDays.sorted(by: { $0.key < $1.key }) where days[date] == nil && want.rows > 0 {
            lines.append("date \(date): no archive files, expected \(want.rows) rows")
        }
        add("archive", lines, to: &v)
        v.checked["archive rows"] = days.values.reduce(0) { $0 + $1.rows }
    }

    // MARK: rejects

    func checkRejects(into v: inout Verification) throws {
        let result = try db.query(
            "SELECT r.key AS reason, sum(r.value::bigint) AS n FROM jobs j, jsonb_each_text(j.reject_counts) r GROUP BY r.key")
        var fromJobs: [String: Int] = [:]
        for row in result.allRows { fromJobs[try row.string("reason")] = Int(try row.int("n")) }
        let (fromFiles, _) = try RejectFiles.count(dataDirectory: dataDirectory)
        var lines: [String] = []
        let want = expectation.rejects.filter { $0.value != 0 }
        for (source, got) in [("jobs.reject_counts", fromJobs.filter { $0.value != 0 }), ("quarantine/rejects/*.csv", fromFiles)] {
            for reason in Set(got.keys).union(want.keys).sorted() where got[reason] != want[reason] {
                lines.append("\(source): \(got[reason] ?? 0) rows with reason \(reason), expected \(want[reason] ?? 0)")
            }
        }
        add("rejects", lines, to: &v)
        v.checked["rejects"] = want.values.reduce(0, +)
    }

    func iso(_ seconds: Int64) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
