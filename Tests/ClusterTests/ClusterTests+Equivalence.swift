import Foundation
import GreenStreamTesting
import Testing

extension ClusterTests {
    /// The files of the demo fleet that succeed; 05 corrects readings of 01 (the later file wins).
    static let fleet = ["01-feeder-north.csv", "02-feeder-south.csv", "03-substation-east.csv", "05-north-corrections.csv"]

    @Test(
        "R-H-1 R-P-1 R-P-5 R-J-5: several files over two workers give the readings, archive and rejects that greenstream transform gives for the same files in the same order"
    )
    func clusterEqualsTransform() throws {
        try Self.withCluster(workers: 2) { cluster in
            for name in Self.fleet { try cluster.land(name, try Self.fleetFile(name)) }
            let jobs = try cluster.waitForTerminalJobs(count: Self.fleet.count)
            #expect(jobs.map(\.state) == Array(repeating: "succeeded", count: jobs.count), "\(jobs.map(\.brief))")
            // Job ids follow the landing order (R-H-1 depends on it).
            #expect(jobs.map(\.file) == Self.fleet)
            let ids = jobs.map(\.jobID)
            let processedNames = jobs.map { "\($0.jobID)-\($0.file)" }.sorted()
            try cluster.waitForZones("every raw file in processed/") {
                cluster.names(in: cluster.processed) == processedNames && cluster.names(in: cluster.landing).isEmpty
            }

            // The reference: the CLI over the same files in job order, as CSV and as Parquet
            // (whose job ids are 1, 2, … in argument order).
            let work = try Self.tempDir()
            defer { try? FileManager.default.removeItem(at: work) }
            let inputs = try jobs.map { job -> String in
                let path = work.appendingPathComponent(job.file)
                try Data(try Self.fleetFile(job.file)).write(to: path)
                return path.path
            }
            let cli = try ChildProcess.greenstreamBinary()
            let csv = try ChildProcess.run(cli, ["transform"] + inputs + ["--out", work.appendingPathComponent("csv").path])
            try #require(csv.status == 0, "greenstream transform: \(csv.stderrText)")
            let pq = try ChildProcess.run(
                cli, ["transform"] + inputs + ["--out", work.appendingPathComponent("pq").path, "--format", "parquet"])
            try #require(pq.status == 0, "greenstream transform --format parquet: \(pq.stderrText)")

            // Hot store: the union of the files' readings, later files winning, each row naming its job.
            var expected: [String: String] = [:]
            for (job, name) in zip(ids, jobs.map(\.file)) {
                let stem = (name as NSString).deletingPathExtension
                let text = try String(
                    contentsOf: work.appendingPathComponent("csv/\(stem)/readings.csv"), encoding: .utf8)
                let lines = text.split(separator: "\n").dropFirst()
                for line in lines {
                    let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    expected["\(f[0]),\(f[1])"] = "\(Double(f[2])!),\(f[3]),\(f[4]),\(f[5]),\(job)"
                }
                // The job's counts as gsctl reports them.
                let rows = lines.count
                let interpolated = lines.filter { $0.contains(",interpolated,") }.count
                let rejects = try Self.rejectLines(work.appendingPathComponent("csv/\(stem)/rejects.csv"))
                let listed = jobs.first { $0.jobID == job }!
                #expect(listed.rowsStored == rows, "\(name)")
                #expect(listed.rowsInterpolated == interpolated, "\(name)")
                #expect(listed.rowsRejected == rejects.count, "\(name)")
                #expect((listed.rejectsByReason ?? [:]).values.reduce(0, +) == rejects.count, "\(name)")

                // Row rejects: the same bytes as the CLI's rejects.csv, absent when there are none.
                let rejectsFile = cluster.quarantine.appendingPathComponent("rejects/\(job).csv")
                if rejects.isEmpty {
                    #expect(!FileManager.default.fileExists(atPath: rejectsFile.path), "\(name) rejected nothing")
                } else {
                    let cliRejects = try Data(contentsOf: work.appendingPathComponent("csv/\(stem)/rejects.csv"))
                    #expect((try? Data(contentsOf: rejectsFile)) == cliRejects, "quarantine/rejects/\(job).csv of \(name)")
                }
                #expect(cluster.names(in: cluster.processed).contains("\(job)-\(name)"))
            }
            let stored = try cluster.query(
                """
                SELECT meter_id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, kw, quality,
                       hour_of_day, is_peak_window, job_id
                FROM readings
                """)
            var actual: [String: String] = [:]
            for row in stored.allRows {
                let peak = try row.bool("is_peak_window") ? "true" : "false"
                actual["\(try row.string("meter_id")),\(try row.string("ts"))"] =
                    "\(try row.double("kw")),\(try row.string("quality")),\(try row.string("hour_of_day")),\(peak),\(try row.string("job_id"))"
            }
            #expect(actual.count == expected.count)
            let differing = expected.filter { actual[$0.key] != $0.value }.keys.sorted()
            #expect(differing.isEmpty, "\(differing.count) readings differ, e.g. \(differing.prefix(5).map { "\($0): cluster \(actual[$0] ?? "missing"), transform \(expected[$0]!)" })")
            // Rollups agree with the readings (R-H-2): nothing counted twice.
            #expect(try cluster.count("SELECT coalesce(sum(readings), 0) FROM meter_hourly") == Int64(expected.count))

            // Archive: the same files with the same rows, the CLI's job k being the cluster's k-th job.
            let clusterArchive = try ArchiveReader.rows(under: cluster.archive)
            var cliArchive: [String: [String]] = [:]
            for (path, rows) in try ArchiveReader.rows(under: work.appendingPathComponent("pq/archive")) {
                let k = Int(path.split(separator: "-").last!.dropLast(".parquet".count))!
                let id = ids[k - 1]
                let renamed = path.replacingOccurrences(of: "part-\(k).parquet", with: "part-\(id).parquet")
                cliArchive[renamed] = rows.map { row in
                    var f = row.split(separator: ",").map(String.init)
                    f[f.count - 1] = String(id)
                    return f.joined(separator: ",")
                }.sorted()
            }
            #expect(clusterArchive.keys.sorted() == cliArchive.keys.sorted())
            for (path, rows) in cliArchive {
                #expect(clusterArchive[path] == rows, "archive \(path): \(clusterArchive[path]?.count ?? 0) rows vs \(rows.count)")
            }
            #expect(cluster.names(in: cluster.landing).isEmpty)
        }
    }

    /// The data lines of a rejects.csv (its header dropped); none when the file is absent.
    static func rejectLines(_ url: URL) throws -> [Substring] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        // Quoted raw fields may span lines; count records by the line-number field instead:
        // every record starts with digits and a comma followed by a reason name.
        return text.split(separator: "\n").dropFirst().filter { line in
            guard let comma = line.firstIndex(of: ",") else { return false }
            return !line[..<comma].isEmpty && line[..<comma].allSatisfy(\.isNumber)
                && line[line.index(after: comma)...].first?.isLetter == true
        }
    }
}
