import Foundation
import GreenStreamStore
import Hummingbird
import Logging
import Postgres
import ServiceLifecycle

/// The coordinator's live dashboard over HTTP (issue 11): the page `/` with its own stylesheet and
/// script (nothing from the internet), and a read-only JSON API under `/api/` carrying the page's
/// numbers. Every route is a GET that only reads, so none needs the cluster token; the routes that
/// change anything stay on the token-checked admin endpoint (gsctl). docs/DASHBOARD.md.
///
/// Run it with ``run()`` in a task of its own and cancel that task to stop it (the coordinator does
/// so on SIGTERM, before draining).
public struct DashboardServer: Sendable {
    public let configuration: DashboardConfiguration
    let cache: SnapshotCache
    let logger: Logger

    /// - Parameters:
    ///   - queries: read-only queries on a pool (the coordinator gives the dashboard a small pool of
    ///     its own, so a slow page never holds a connection the commit path needs).
    public init(configuration: DashboardConfiguration, queries: DashboardQueries, logger: Logger) {
        self.configuration = configuration
        self.cache = SnapshotCache(queries: queries, configuration: configuration)
        self.logger = logger
    }

    /// A server with a pool of its own: two connections that give up reconnecting after 2 s, so a
    /// page open during a database restart shows "stale" quickly and never holds the coordinator's
    /// connections.
    /// - Parameter postgresURL: the coordinator's database.
    public init(configuration: DashboardConfiguration, postgresURL: String, logger: Logger) {
        let pool = ConnectionPool(url: postgresURL, maxConnections: 2, reconnectSeconds: 2)
        self.init(configuration: configuration, queries: DashboardQueries(pool: pool), logger: logger)
    }

    /// The page's URL, `http://HOST:PORT/`.
    public var url: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(configuration.port)/"
    }

    /// Serves until the calling task is cancelled, then shuts down gracefully; logs `dashboard ready`
    /// with url=… once listening.
    /// - Throws: when the address cannot be bound.
    public func run() async throws {
        let router = makeRouter()
        let logger = self.logger
        let url = self.url
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "greenstream-dashboard"),
            onServerRunning: { _ in logger.info("dashboard ready", metadata: ["url": "\(url)"]) },
            logger: logger)
        // Cancelling the caller becomes a graceful shutdown: the listener closes and open keep-alive
        // connections (a page polling) finish, instead of being cancelled mid-read and logged as
        // errors. So the group runs in a task of its own, which the caller's cancellation does not reach.
        let group = ServiceGroup(services: [app], logger: logger)
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// The routes. Unknown paths answer 404; methods other than GET (and HEAD) 405 or 404.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let pollSeconds = configuration.pollSeconds
        router.get("/") { _, _ in
            Self.response(DashboardPage.html(pollSeconds: pollSeconds), type: "text/html; charset=utf-8")
        }
        router.get("/dashboard.css") { _, _ in Self.response(DashboardPage.css, type: "text/css; charset=utf-8") }
        router.get("/dashboard.js") { _, _ in
            Self.response(DashboardPage.script, type: "text/javascript; charset=utf-8")
        }
        let api: [(String, @Sendable (DashboardSnapshot) throws -> Data)] = [
            ("/api/snapshot", { try Self.encoder.encode($0) }),
            ("/api/grid", { try Self.encoder.encode($0.grid) }),
            ("/api/grid/today", { try Self.encoder.encode($0.grid) }),
            ("/api/peak", { try Self.encoder.encode($0.peak) }),
            ("/api/totals", { try Self.encoder.encode($0.totals) }),
            ("/api/throughput", { try Self.encoder.encode($0.throughput) }),
            ("/api/jobs", { try Self.encoder.encode($0.jobs) }),
            ("/api/workers", { try Self.encoder.encode($0.workers) }),
            ("/api/quarantine", { try Self.encoder.encode($0.quarantine) }),
        ]
        for (path, encode) in api {
            router.get(RouterPath(path)) { [cache, logger] request, _ in
                try await Self.apiResponse(request: request, cache: cache, logger: logger, encode: encode)
            }
        }
        return router
    }

    /// Answers an API route: `?day=YYYY-MM-DD` selects the grid day (the grid zone's today without it).
    static func apiResponse(
        request: Request, cache: SnapshotCache, logger: Logger,
        encode: (DashboardSnapshot) throws -> Data
    ) async throws -> Response {
        let day = request.uri.queryParameters.get("day").flatMap { $0.isEmpty ? nil : $0 }
        if let day, !DashboardQueries.isDayText(day) {
            return errorResponse(.badRequest, "day must be YYYY-MM-DD")
        }
        do {
            let snapshot = try await cache.snapshot(day: day)
            return response(try encode(snapshot), type: "application/json")
        } catch let error as StoreError {
            if case .invalidParameter(let text) = error { return errorResponse(.badRequest, text) }
            logger.warning("dashboard query failed", metadata: ["error": "\(error)"])
            return errorResponse(.serviceUnavailable, "the store is not reachable")
        } catch {
            // PostgreSQL down or restarting: the page keeps its last numbers and says so.
            logger.warning("dashboard query failed", metadata: ["error": "\(error)"])
            return errorResponse(.serviceUnavailable, "the store is not reachable")
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static func response(_ text: String, type: String) -> Response {
        response(Data(text.utf8), type: type)
    }

    static func response(_ data: Data, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: type, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func errorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let data = (try? encoder.encode(["error": message])) ?? Data()
        return response(data, type: "application/json", status: status)
    }
}
