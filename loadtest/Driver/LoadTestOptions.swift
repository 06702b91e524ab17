// Everything gs-loadtest was told: the fleet to generate, how to drive the cluster, where the
// cluster is. The executable fills it from its command line and the environment (GS_DATA_DIR,
// GS_PG_URL, GS_COORDINATOR, GS_TOKEN_FILE); LoadTestRun does the rest.
import LoadTestFleet

/// How files enter the cluster.
public enum LandingRoute: String, Sendable, Codable, CaseIterable {
    /// Written as `landing/.NAME.tmp`, then renamed to `landing/NAME` (R-J-1).
    case landing
    /// Sent with the coordinator's `ingest_file` call (what `gsctl ingest` does).
    case ingest
}

/// The options of one load-test run.
public struct LoadTestOptions: Sendable {
    /// The fleet to generate.
    public var spec: FleetSpec
    /// Files landed per second; nil: as fast as the cluster takes them (bounded window).
    public var rate: Double?
    /// At most this many landed files may be unfinished (no terminal job yet) at once.
    public var window: Int
    /// How files enter.
    public var route: LandingRoute
    /// Inject faults during the run.
    public var chaos: Bool
    /// Seconds between worker kills.
    public var chaosInterval: Double
    /// The cluster directory (run/*.pid); nil: the parent of the data directory.
    public var clusterDirectory: String?
    /// The shell command that brings killed processes back; nil: `<repo>/cluster/local.sh up --dir DIR --workers N`.
    public var restartCommand: String?
    /// The data directory (zones).
    public var dataDirectory: String
    /// PostgreSQL URL.
    public var pgURL: String
    /// The coordinator's endpoint (needed for `--via ingest`).
    public var coordinator: String?
    /// The cluster token file (needed for `--via ingest`).
    public var tokenFile: String?
    /// Keep the generated files here, with `landed.txt`.
    public var keepFleet: String?
    /// Print one JSON object instead of the human report.
    public var json: Bool
    /// Give up waiting for the jobs after this many seconds.
    public var timeout: Double
    /// Time a plain binary COPY of the final rows after verification.
    public var copyBaseline: Bool
    /// Skip landing: only verify what the cluster holds against the fleet's expectation (a kept run, later).
    public var verifyOnly: Bool

    /// Creates options; see the properties.
    public init(
        spec: FleetSpec, rate: Double? = nil, window: Int = 8, route: LandingRoute = .landing, chaos: Bool = false,
        chaosInterval: Double = 5, clusterDirectory: String? = nil, restartCommand: String? = nil,
        dataDirectory: String, pgURL: String, coordinator: String? = nil, tokenFile: String? = nil,
        keepFleet: String? = nil, json: Bool = false, timeout: Double = 3600, copyBaseline: Bool = false,
        verifyOnly: Bool = false
    ) {
        self.spec = spec
        self.rate = rate
        self.window = window
        self.route = route
        self.chaos = chaos
        self.chaosInterval = chaosInterval
        self.clusterDirectory = clusterDirectory
        self.restartCommand = restartCommand
        self.dataDirectory = dataDirectory
        self.pgURL = pgURL
        self.coordinator = coordinator
        self.tokenFile = tokenFile
        self.keepFleet = keepFleet
        self.json = json
        self.timeout = timeout
        self.copyBaseline = copyBaseline
        self.verifyOnly = verifyOnly
    }

    /// The cluster directory: the option, or the data directory's parent (cluster/local.sh's layout).
    public var resolvedClusterDirectory: String {
        if let clusterDirectory { return clusterDirectory }
        var data = dataDirectory
        while data.count > 1 && data.hasSuffix("/") { data.removeLast() }
        guard let slash = data.lastIndex(of: "/") else { return "." }
        let parent = String(data[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}

/// A failure that stops the run before a verdict (bad options, an unreachable cluster, a timeout).
public struct LoadTestError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
