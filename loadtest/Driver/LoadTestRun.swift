// One load-test run: generate the fleet's files in parallel (a bounded number ahead), land them
// in landing order, wait for every job to end (with faults injected under --chaos), verify the
// cluster against the fleet's own expectation, and report figures and a verdict.
import Foundation
import Histogram
import LoadTestFleet

/// Runs gs-loadtest's whole job; the executable only parses options and prints.
public final class LoadTestRun {
    let options: LoadTestOptions
    let fleet: Fleet
    let db: ClusterDatabase
    let processes: ClusterProcesses
    let progress: Progress
    /// Unix microseconds of each file's landing (the rename, or the ingest call), by landing index.
    private var landedAt: [Int64]
    private var chaos: Chaos?
    private var finishedCount = 0
    private var storedReadings: Int64 = 0

    public init(options: LoadTestOptions) {
        self.options = options
        fleet = Fleet(spec: options.spec)
        db = ClusterDatabase(url: options.pgURL)
        processes = ClusterProcesses(directory: options.resolvedClusterDirectory)
        progress = Progress(totalFiles: fleet.fileCount, quiet: false)
        landedAt = Array(repeating: 0, count: fleet.fileCount)
    }

    /// Runs and returns the report (its verdict says whether verification passed).
    public func run() throws -> LoadTestReport {
        // The expectation is the generator's own bookkeeping; compute it beside the landing.
        let expectationBox = Locked<FleetExpectation?>(nil)
        let expectationDone = DispatchSemaphore(value: 0)
        let fleet = self.fleet
        DispatchQueue.global().async {
            let e = fleet.expectation()
            expectationBox.withLock { $0 = e }
            expectationDone.signal()
        }
        let started = Date()
        if !options.verifyOnly {
            try preflight()
            if options.chaos { try startChaos(started: started) }
            do {
                try landAll()
                try waitForJobs(started: started)
            } catch {
                chaos?.stop()
                throw error
            }
            if let chaos {
                chaos.stop()
                // Whatever the last fault left down comes back before verification reads the zones.
                if let failure = chaos.runRestart() { throw LoadTestError("after chaos: \(failure)") }
            }
            try waitForZones()
            progress.finish()
        }
        expectationDone.wait()
        let expectation = expectationBox.current!
        let verifier = Verifier(fleet: fleet, expectation: expectation, db: db, dataDirectory: options.dataDirectory)
        let jobs = try verifier.jobs()
        let verification = try verifier.run(jobs: jobs)
        return try report(expectation: expectation, jobs: jobs, verification: verification)
    }

    // MARK: before

    func preflight() throws {
        let landing = options.dataDirectory + "/landing"
        var isDir: ObjCBool = false
        if options.route == .landing {
            guard FileManager.default.fileExists(atPath: landing, isDirectory: &isDir), isDir.boolValue else {
                throw LoadTestError("no landing zone at \(landing) (--data-dir / GS_DATA_DIR)")
            }
        }
        let existing = try db.int("SELECT count(*) FROM jobs")
        guard existing == 0 else {
            throw LoadTestError(
                "the cluster already has \(existing) jobs: gs-loadtest verifies the whole hot store and archive, "
                    + "so it needs a fresh cluster (cluster/local.sh up --dir NEW_DIR)")
        }
        if let keep = options.keepFleet {
            try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: keep + "/landed.txt", contents: Data())
        }
    }

    func startChaos(started: Date) throws {
        let workers = processes.workers()
        guard !workers.isEmpty, processes.pid("coordinator") != nil, processes.pid("postgres") != nil else {
            throw LoadTestError(
                "--chaos: no run/worker-*.pid, run/coordinator.pid and run/postgres.pid under \(processes.directory) "
                    + "(--cluster-dir)")
        }
        let (command, environment) = try RestartCommand.resolve(
            option: options.restartCommand, clusterDirectory: processes.directory, workers: workers.count)
        let chaos = Chaos(
            processes: processes, restartCommand: command, environment: environment, interval: options.chaosInterval,
            started: started)
        chaos.start()
        self.chaos = chaos
    }

    // MARK: landing

    func landAll() throws {
        let count = fleet.fileCount
        let ahead = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        let ingest = try options.route == .ingest ? IngestClient(options: options) : nil
        defer { ingest?.close() }
        let firstLanding = Date()
        var chunkStart = 0
        var pending = generate(0..<min(count, ahead))
        while chunkStart < count {
            let chunk = pending.wait()
            let nextStart = chunkStart + chunk.count
            if nextStart < count { pending = generate(nextStart..<min(count, nextStart + ahead)) }
            for (offset, bytes) in chunk.enumerated() {
                let index = chunkStart + offset
                try pace(index: index, since: firstLanding)
                let name = fleet.fileName(index)
                if let keep = options.keepFleet { try keepFile(name: name, bytes: bytes, in: keep) }
                if let ingest {
                    landedAt[index] = nowMicros()
                    try ingest.ingest(name: name, bytes: bytes)
                } else {
                    try land(name: name, bytes: bytes)
                    landedAt[index] = nowMicros()
                }
                try poll()
                progress.update(landed: index + 1, finished: finishedCount, readings: storedReadings)
            }
            chunkStart = nextStart
        }
    }

    /// Generates files `range` on all cores; the result is waited for when its turn comes.
    func generate(_ range: Range<Int>) -> Pending {
        let box = Locked<[[UInt8]]>(Array(repeating: [], count: range.count))
        let done = DispatchSemaphore(value: 0)
        let fleet = self.fleet
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: range.count) { i in
                let bytes = fleet.fileBytes(range.lowerBound + i)
                box.withLock { $0[i] = bytes }
            }
            done.signal()
        }
        return Pending(box: box, done: done)
    }

    struct Pending {
        let box: Locked<[[UInt8]]>
        let done: DispatchSemaphore
        func wait() -> [[UInt8]] {
            done.wait()
            return box.current
        }
    }

    /// Holds back file `index` until the rate allows it, or (no rate) until fewer than `window` files are unfinished.
    func pace(index: Int, since start: Date) throws {
        if fleet.landsAfterAllOthersEnd(index) {
            // The duplicate copy: `duplicate` only once its original succeeded (R-J-2), so wait for every job.
            let deadline = Date().addingTimeInterval(options.timeout)
            while true {
                try poll()
                if finishedCount >= index, try db.int("SELECT count(*) FROM jobs WHERE finished_at IS NULL") == 0 { return }
                if Date() > deadline { throw LoadTestError("timeout: earlier jobs unfinished before file #\(index)") }
                usleep(20_000)  // next look at the job table
            }
        }
        if let rate = options.rate, rate > 0 {
            let due = start.addingTimeInterval(Double(index) / rate)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(min(wait, 3600) * 1_000_000)) }  // the rate itself, not a wait for a state
            return
        }
        let deadline = Date().addingTimeInterval(options.timeout)
        while index - finishedCount >= options.window {
            try poll()
            progress.update(landed: index, finished: finishedCount, readings: storedReadings)
            if Date() > deadline { throw LoadTestError("timeout: \(index - finishedCount) landed files unfinished for \(options.timeout) s") }
            if index - finishedCount >= options.window { usleep(20_000) }  // next look at the job table
        }
    }

    /// R-J-1: written as `landing/.NAME.tmp` (ignored by the coordinator), then renamed in.
    func land(name: String, bytes: [UInt8]) throws {
        let landing = options.dataDirectory + "/landing/"
        let temp = landing + "." + name + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(bytes)) else {
            throw LoadTestError("cannot write \(temp)")
        }
        guard rename(temp, landing + name) == 0 else { throw LoadTestError("rename \(temp) into landing/: errno \(errno)") }
    }

    func keepFile(name: String, bytes: [UInt8], in dir: String) throws {
        guard FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes)) else {
            throw LoadTestError("cannot write \(dir)/\(name)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/landed.txt"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((name + "\n").utf8))
    }

    // MARK: waiting

    /// Reads how many jobs have ended and how many readings succeeded jobs stored.
    func poll() throws {
        let result = try db.query(
            """
            SELECT count(*) FILTER (WHERE finished_at IS NOT NULL) AS finished,
                   coalesce(sum(stored_rows) FILTER (WHERE state = 'succeeded'), 0) AS stored,
                   count(*) AS jobs
            FROM jobs
            """)
        let row = result.row(0)
        finishedCount = Int(try row.int("finished"))
        storedReadings = try row.int("stored")
    }

    /// Waits until every landed file has a terminal job (and, under --chaos, the coordinator and
    /// PostgreSQL faults have happened), polling the job table.
    func waitForJobs(started: Date) throws {
        let deadline = Date().addingTimeInterval(options.timeout)
        let count = fleet.fileCount
        while true {
            try poll()
            progress.update(landed: count, finished: finishedCount, readings: storedReadings)
            let open = try db.int("SELECT count(*) FROM jobs WHERE finished_at IS NULL")
            if finishedCount >= count && open == 0 && (chaos?.didMajorFaults ?? true) { break }
            if Date() > deadline {
                throw LoadTestError(
                    "timeout after \(options.timeout) s: \(finishedCount) of \(count) files have a terminal job, \(open) jobs open")
            }
            usleep(50_000)  // next look at the job table
        }
        progress.update(landed: count, finished: finishedCount, readings: storedReadings, force: true)
    }

    /// A job turns terminal in the hot store's transaction; archive publishing and the raw file's
    /// move follow it. Waits until landing/ holds no visible file and no staging is left.
    func waitForZones() throws {
        let fm = FileManager.default
        let deadline = Date().addingTimeInterval(max(60, options.timeout / 10))
        let landing = options.dataDirectory + "/landing"
        let staging = options.dataDirectory + "/archive/.staging"
        while true {
            let visible = ((try? fm.contentsOfDirectory(atPath: landing)) ?? []).filter { !$0.hasPrefix(".") }
            let staged = ((try? fm.contentsOfDirectory(atPath: staging)) ?? []).filter { $0.hasPrefix("job-") }
            if visible.isEmpty && staged.isEmpty { return }
            if Date() > deadline {
                throw LoadTestError("zones did not settle: landing/ holds \(visible.prefix(5)), archive/.staging \(staged.prefix(5))")
            }
            usleep(50_000)  // next look at the zones
        }
    }

    // MARK: report

    func report(expectation: FleetExpectation, jobs: [JobRow], verification: Verification) throws -> LoadTestReport {
        let spec = options.spec
        var latency: LatencyFigures?
        var elapsed = 0.0
        let succeeded = jobs.filter { $0.state == "succeeded" }
        let committed = succeeded.reduce(Int64(0)) { $0 + $1.storedRows }
        if !options.verifyOnly {
            var indexByName: [String: Int] = [:]
            for i in 0..<fleet.fileCount { indexByName[fleet.fileName(i)] = i }
            var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
            var lastFinish: Int64 = 0
            for job in succeeded {
                guard let index = indexByName[job.fileName], let finished = job.finishedMicros else { continue }
                _ = histogram.record(UInt64(max(0, finished - landedAt[index])))
                lastFinish = max(lastFinish, finished)
            }
            for job in jobs { if let f = job.finishedMicros { lastFinish = max(lastFinish, f) } }
            let firstLanding = landedAt.first ?? 0
            elapsed = Double(lastFinish - firstLanding) / 1e6
            if histogram.totalCount > 0 {
                latency = LatencyFigures(
                    jobs: Int(histogram.totalCount), p50: Double(histogram.valueAtPercentile(50)) / 1000,
                    p90: Double(histogram.valueAtPercentile(90)) / 1000, p99: Double(histogram.valueAtPercentile(99)) / 1000,
                    max: Double(histogram.max) / 1000)
            }
        }
        var memory: [String: Int64] = [:]
        for name in processes.names() { if let bytes = processes.peakResidentBytes(name) { memory[name] = bytes } }
        var report = LoadTestReport(
            meters: spec.meters, hours: spec.hours, intervalMinutes: spec.intervalMinutes, seed: spec.seed,
            files: fleet.fileCount, route: options.route.rawValue, expectedHotReadings: expectation.hotReadings,
            committedReadings: committed, elapsedSeconds: elapsed,
            readingsPerSecond: elapsed > 0 ? Double(committed) / elapsed : 0, latency: latency, peakMemoryBytes: memory,
            chaos: chaos?.log, copyBaselineSeconds: nil, copyBaselineRowsPerSecond: nil, copyBaselineRows: nil,
            checked: verification.checked, mismatchCount: verification.mismatches.count,
            mismatches: verification.mismatches,
            verdict: verification.passed ? "PASS" : "FAIL (\(verification.mismatches.count) mismatches)")
        if options.copyBaseline {
            let meters = Array(expectation.meters.keys)
            let perMeter = expectation.hotReadings / max(1, meters.count)
            let (seconds, rows) = try CopyBaseline.run(url: options.pgURL, meters: meters, rowsPerMeter: perMeter)
            report.copyBaselineSeconds = seconds
            report.copyBaselineRows = rows
            report.copyBaselineRowsPerSecond = seconds > 0 ? Double(rows) / seconds : 0
        }
        return report
    }

    func nowMicros() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }
}
