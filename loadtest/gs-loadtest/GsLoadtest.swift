// gs-loadtest (R-L-1): generate a meter fleet, drive a running cluster with it, verify every
// reading. Parsing only; the work is in LoadTestDriver. Exit 0 only when verification passes.
import ArgumentParser
import Foundation
import LoadTestDriver
import LoadTestFleet

@main
struct GsLoadtest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gs-loadtest",
        abstract: "Load-test a GreenStream cluster with a generated fleet and verify every reading.",
        discussion: """
            Targets the cluster that cluster/local.sh describes (GS_DATA_DIR, GS_PG_URL, GS_COORDINATOR,
            GS_TOKEN_FILE) unless told otherwise. The cluster must be fresh (no jobs yet). The last line of the
            report is `verdict: PASS` or `verdict: FAIL (<n> mismatches)`. See loadtest/README.md.
            """)

    @Option(help: "Meters in the fleet.") var meters = 10_000
    @Option(help: "Time span in hours.") var hours = 24
    @Option(help: "Reading interval: 5, 15, 30 or 60.") var intervalMinutes = 15
    @Option(help: "Data files before corrections and duplicates (default: readings / 100000, at least 1).") var files: Int?
    @Option(help: "Fleet seed.") var seed: UInt64 = 1
    @Option(help: "realistic (faults in the data) or clean.") var faults = "realistic"
    @Option(help: "Files landed per second (default: as fast as the cluster takes them).") var rate: Double?
    @Option(help: "Unfinished landed files allowed at once when no --rate is given.") var window = 8
    @Option(help: "landing (rename into landing/) or ingest (the coordinator's ingest call).") var via = "landing"
    @Flag(help: "Kill workers, the coordinator once and PostgreSQL once during the run, and bring them back.")
    var chaos = false
    @Option(help: "Seconds between faults under --chaos.") var chaosInterval = 5.0
    @Option(help: "Cluster directory holding run/*.pid (default: the parent of the data directory).")
    var clusterDir: String?
    @Option(help: "Shell command that brings killed processes back (default: <repo>/cluster/local.sh up --dir DIR --workers N).")
    var restartCommand: String?
    @Option(help: "Data directory (default: GS_DATA_DIR).") var dataDir: String?
    @Option(help: "PostgreSQL URL (default: GS_PG_URL).") var pg: String?
    @Option(help: "Coordinator endpoint (default: GS_COORDINATOR).") var coordinator: String?
    @Option(help: "Cluster token file (default: GS_TOKEN_FILE).") var tokenFile: String?
    @Option(help: "Keep the generated files in DIR, with DIR/landed.txt (names in landing order).") var keepFleet: String?
    @Flag(help: "Print one JSON object instead of the report.") var json = false
    @Option(help: "Seconds to wait for the jobs.") var timeout = 3600.0
    @Flag(help: "After verification, time a plain binary COPY of the final rows into a scratch table.")
    var copyBaseline = false
    @Flag(help: "Land nothing: verify what the cluster holds against this fleet's expectation (a finished run).")
    var verifyOnly = false

    func validate() throws {
        guard [5, 15, 30, 60].contains(intervalMinutes) else { throw ValidationError("--interval-minutes: 5, 15, 30 or 60") }
        guard meters > 0, hours > 0 else { throw ValidationError("--meters and --hours must be positive") }
        guard ["realistic", "clean"].contains(faults) else { throw ValidationError("--faults: realistic or clean") }
        guard LandingRoute(rawValue: via) != nil else { throw ValidationError("--via: landing or ingest") }
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        if let files, files < 1 { throw ValidationError("--files must be at least 1") }
    }

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dataDirectory = dataDir ?? env["GS_DATA_DIR"] else { throw ValidationError("no --data-dir and no GS_DATA_DIR") }
        guard let pgURL = pg ?? env["GS_PG_URL"] else { throw ValidationError("no --pg and no GS_PG_URL") }
        var spec = FleetSpec(meters: meters, hours: hours, intervalMinutes: intervalMinutes, seed: seed)
        if let files { spec.files = files }
        spec.faults = faults == "clean" ? .clean : .realistic
        let options = LoadTestOptions(
            spec: spec, rate: rate, window: window, route: LandingRoute(rawValue: via)!, chaos: chaos,
            chaosInterval: chaosInterval, clusterDirectory: clusterDir, restartCommand: restartCommand,
            dataDirectory: dataDirectory, pgURL: pgURL, coordinator: coordinator ?? env["GS_COORDINATOR"],
            tokenFile: tokenFile ?? env["GS_TOKEN_FILE"], keepFleet: keepFleet, json: json, timeout: timeout,
            copyBaseline: copyBaseline, verifyOnly: verifyOnly)
        let report: LoadTestReport
        do {
            report = try LoadTestRun(options: options).run()
        } catch {
            FileHandle.standardError.write(Data("gs-loadtest: \(error)\n".utf8))
            if json { print("{\"verdict\":\"ERROR\",\"error\":\(jsonString("\(error)"))}") }
            else { print("verdict: FAIL (error: \(error))") }
            throw ExitCode(2)
        }
        print(json ? try report.jsonText() : report.text())
        if report.mismatchCount > 0 { throw ExitCode(1) }
    }

    func jsonString(_ s: String) -> String {
        String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
