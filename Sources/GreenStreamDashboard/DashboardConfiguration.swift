import GreenStreamCore

/// How the coordinator's dashboard (`--http-listen`) serves: where, and what it shows.
public struct DashboardConfiguration: Sendable, Equatable {
    /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// TCP port, 1–65535.
    public var port: Int
    /// The tariff peak window marked on the chart (the coordinator's `--peak-window`).
    public var peakWindow: PeakWindow
    /// A worker silent for longer counts as not alive (the coordinator's heartbeat timeout).
    public var heartbeatTimeoutSeconds: Double
    /// How often the page asks for new numbers, seconds.
    public var pollSeconds: Double
    /// How long one computed snapshot answers every viewer, seconds: at most one set of queries
    /// per day shown runs per this interval, however many screens watch.
    public var snapshotSeconds: Double
    /// The throughput chart: window and bucket, seconds.
    public var throughputWindowSeconds: Int
    public var throughputBucketSeconds: Int
    /// Rows in the quarantine and worker lists.
    public var quarantineLimit: Int
    public var workerLimit: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, peakWindow: PeakWindow = .default,
        heartbeatTimeoutSeconds: Double = 5, pollSeconds: Double = 2, snapshotSeconds: Double = 1,
        throughputWindowSeconds: Int = 600, throughputBucketSeconds: Int = 10, quarantineLimit: Int = 10,
        workerLimit: Int = 50
    ) {
        self.host = host
        self.port = port
        self.peakWindow = peakWindow
        self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
        self.pollSeconds = pollSeconds
        self.snapshotSeconds = snapshotSeconds
        self.throughputWindowSeconds = throughputWindowSeconds
        self.throughputBucketSeconds = throughputBucketSeconds
        self.quarantineLimit = quarantineLimit
        self.workerLimit = workerLimit
    }

    /// Parses `HOST:PORT` (`[v6]:PORT` for IPv6) as given to `--http-listen`.
    /// - Throws: ``DashboardError/invalidListenAddress(_:)``.
    public static func parseListen(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":") else { throw DashboardError.invalidListenAddress(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw DashboardError.invalidListenAddress(text)
        }
        return (host, port)
    }
}

/// Errors of the dashboard's set-up.
public enum DashboardError: Error, Equatable, CustomStringConvertible {
    /// `--http-listen` is not HOST:PORT with a port 1–65535.
    case invalidListenAddress(String)

    public var description: String {
        switch self {
        case .invalidListenAddress(let text): "--http-listen wants HOST:PORT (port 1–65535), got '\(text)'"
        }
    }
}
