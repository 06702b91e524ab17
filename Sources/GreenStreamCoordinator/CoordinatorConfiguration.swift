import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import NNG

/// Everything a coordinator needs to run; `greenstream coordinator` fills it from options and
/// environment variables (docs/COORDINATOR.md lists them).
public struct CoordinatorConfiguration: Sendable {
    /// The zones' root (`landing/`, `processed/`, `quarantine/`, `archive/`).
    public var dataDirectory: String
    /// PostgreSQL URL.
    public var postgresURL: String
    /// The one endpoint for workers and gsctl: `tcp://`, `tls+tcp://` or `ipc://`.
    public var listenURL: String
    /// The cluster token (R-R-3).
    public var token: String
    /// TLS for a `tls+tcp://` endpoint.
    public var tls: TLSConfiguration?
    /// Retries after the first attempt (R-J-3). Default 3.
    public var retries: Int
    /// Seconds without a heartbeat after which an attempt is lost (R-J-3). Default 5.
    public var heartbeatTimeoutSeconds: Double
    /// The transform's rule settings, sent with every assignment.
    public var settings: TransformSettings
    /// Files up to this size travel inside the assignment; larger ones by path on the shared data dir.
    public var inlineLimitBytes: Int
    /// How often `landing/` is listed as a safety net for missed inotify events.
    public var rescanIntervalSeconds: Double
    /// The longest a `LeaseJob` poll is held, whatever the worker asks.
    public var maxLeaseWaitMs: UInt32
    /// Connections to PostgreSQL.
    public var maxConnections: Int
    /// How long a graceful shutdown waits for in-flight commits before giving up on them.
    public var shutdownGraceSeconds: Double
    /// Days of readings the hot store keeps (`--hot-retention`); nil keeps everything. Older day
    /// partitions are dropped at start and every ``hotMaintenanceIntervalSeconds``; older readings
    /// of new files go to the archive only (docs/OPERATIONS.md, "Hot-store retention").
    public var hotRetentionDays: Int?
    /// How often the hot store's partitions are maintained: old days dropped (with a retention
    /// window) and the next ``hotPartitionDaysAhead`` days created. Default one hour.
    public var hotMaintenanceIntervalSeconds: Double
    /// UTC days after today whose partitions exist before data arrives for them. Default 3.
    public var hotPartitionDaysAhead: Int

    public static let defaultInlineLimitBytes = 48 << 20
    public static let defaultRescanIntervalSeconds = 2.0
    public static let defaultMaxLeaseWaitMs: UInt32 = 30_000
    public static let defaultHotMaintenanceIntervalSeconds = 3600.0

    public init(
        dataDirectory: String, postgresURL: String, listenURL: String, token: String, tls: TLSConfiguration? = nil,
        retries: Int = JobStoreConfiguration.defaultRetries,
        heartbeatTimeoutSeconds: Double = JobStoreConfiguration.defaultHeartbeatTimeoutSeconds,
        settings: TransformSettings = TransformSettings(), inlineLimitBytes: Int = defaultInlineLimitBytes,
        rescanIntervalSeconds: Double = defaultRescanIntervalSeconds, maxLeaseWaitMs: UInt32 = defaultMaxLeaseWaitMs,
        maxConnections: Int = 6, shutdownGraceSeconds: Double = 30, hotRetentionDays: Int? = nil,
        hotMaintenanceIntervalSeconds: Double = defaultHotMaintenanceIntervalSeconds, hotPartitionDaysAhead: Int = 3
    ) {
        self.dataDirectory = dataDirectory
        self.postgresURL = postgresURL
        self.listenURL = listenURL
        self.token = token
        self.tls = tls
        self.retries = retries
        self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
        self.settings = settings
        self.inlineLimitBytes = inlineLimitBytes
        self.rescanIntervalSeconds = rescanIntervalSeconds
        self.maxLeaseWaitMs = maxLeaseWaitMs
        self.maxConnections = maxConnections
        self.shutdownGraceSeconds = shutdownGraceSeconds
        self.hotRetentionDays = hotRetentionDays
        self.hotMaintenanceIntervalSeconds = hotMaintenanceIntervalSeconds
        self.hotPartitionDaysAhead = hotPartitionDaysAhead
    }

    /// Checks the values a command line may get wrong, before anything starts.
    /// - Throws: ``CoordinatorError/invalidConfiguration(_:)`` naming the first bad value.
    public func validate() throws {
        func fail(_ message: String) throws -> Never { throw CoordinatorError.invalidConfiguration(message) }
        if dataDirectory.isEmpty { try fail("--data-dir (GS_DATA_DIR) is required") }
        if postgresURL.isEmpty { try fail("--pg (GS_PG_URL) is required") }
        if listenURL.isEmpty { try fail("--listen (GS_LISTEN) is required") }
        if token.isEmpty { try fail("a cluster token is required: --token/GS_TOKEN or --token-file/GS_TOKEN_FILE") }
        if token.utf8.count > 1024 { try fail("the cluster token must be at most 1024 bytes") }
        if retries < 0 { try fail("--retries must be 0 or more") }
        if !(heartbeatTimeoutSeconds > 0) { try fail("--heartbeat-timeout must be positive") }
        if let days = hotRetentionDays, !(1...36_500).contains(days) {
            try fail("--hot-retention must be 1…36500 days (leave it out to keep everything)")
        }
        if !(hotMaintenanceIntervalSeconds > 0) { try fail("the hot-store maintenance interval must be positive") }
        if !(0...366).contains(hotPartitionDaysAhead) { try fail("partition days ahead must be 0…366") }
        if listenURL.hasPrefix("tls+tcp://") && (tls?.certificateFile == nil || tls?.privateKeyFile == nil) {
            try fail("a tls+tcp:// endpoint needs --tls-cert and --tls-key")
        }
        do {
            _ = try ZoneRules(named: settings.sourceTimeZone)
            _ = try ZoneRules(named: settings.gridTimeZone)
        } catch { try fail("\(error)") }
        if !(settings.maxKW.isFinite && settings.maxKW >= 0) { try fail("--max-kw must be a non-negative number") }
        if settings.maxGapSeconds == 0 { try fail("--max-gap must be positive") }
        if settings.maxFileBytes == 0 || settings.maxFileBytes > UInt64(Int32.max) {
            try fail("--max-file-bytes must be 1…\(Int32.max)")
        }
    }
}

/// Why a coordinator could not start or serve.
public enum CoordinatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The grid zone cannot be given to PostgreSQL (it needs `UTC` or an IANA name).
    case gridTimeZone(String)
    /// A reported result that cannot be committed as it is (e.g. an archive file that is not whole).
    case badResult(String)
    public var description: String {
        switch self {
        case .badResult(let message): message
        case .invalidConfiguration(let message): message
        case .gridTimeZone(let message): message
        }
    }
}
