import Hummingbird
import Logging
import Prometheus

/// The `/metrics` endpoint (`--metrics-listen HOST:PORT`): a small Hummingbird server that answers
/// `GET /metrics` with the registry in the Prometheus text exposition format (version 0.0.4).
///
/// Gauges that are read rather than counted (jobs by state, workers, held polls) are refreshed by
/// `beforeScrape` on each scrape, so they are exactly as fresh as the scrape and cost nothing
/// between scrapes.
public final class MetricsServer: Sendable {
    /// The address served, with the real port when port 0 was asked for.
    public let host: String
    public let port: Int
    private let task: Task<Void, any Error>

    /// The URL a scraper uses.
    public var url: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/metrics" }

    /// Binds `listen` and serves until ``stop()``.
    /// - Parameters:
    ///   - listen: `HOST:PORT`; port 0 picks a free one.
    ///   - registry: what `/metrics` shows.
    ///   - beforeScrape: runs before each scrape is rendered (errors are the closure's to log).
    /// - Throws: ``MetricsServerError`` for a bad address or when the port cannot be bound.
    public init(
        listen: String, registry: PrometheusCollectorRegistry, logger: Logger,
        beforeScrape: @escaping @Sendable () async -> Void = {}
    ) async throws {
        let (host, port) = try Self.parse(listen)
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            await beforeScrape()
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: buffer))
        }
        let (started, continuation) = AsyncStream.makeStream(of: Int.self)
        // Hummingbird logs every request at debug and its own shutdown (a cancelled child channel)
        // at error; what matters here, a port that cannot be bound, is thrown from this init.
        var quiet = logger
        quiet.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            }, logger: quiet)
        task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var bound: Int?
        for await value in started {
            bound = value
            break
        }
        guard let bound else {
            let reason: String
            do {
                try await task.value
                reason = "the server stopped before it ran"
            } catch {
                reason = "\(error)"
            }
            throw MetricsServerError("cannot serve metrics on \(listen): \(reason)")
        }
        self.host = host
        self.port = bound
    }

    /// Stops serving (graceful: requests in progress finish).
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// `HOST:PORT`, `[V6]:PORT` or `:PORT` (all interfaces) → host and port.
    static func parse(_ listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw MetricsServerError("--metrics-listen \(listen): want HOST:PORT")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// The metrics endpoint could not be served.
public struct MetricsServerError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
