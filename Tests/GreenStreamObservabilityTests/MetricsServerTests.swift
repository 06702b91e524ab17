import Foundation
import GreenStreamObservability
import GreenStreamTesting
import Logging
import Prometheus
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct MetricsServerTests {
    @Test("GET /metrics on a real port serves the registry as text/plain 0.0.4, refreshed by beforeScrape")
    func servesMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let gauge = registry.makeGauge(name: "greenstream_test_gauge")
        let scrapes = Mutex(0)
        let server = try await MetricsServer(
            listen: "127.0.0.1:0", registry: registry, logger: Logger(label: "test")
        ) {
            let n = scrapes.withLock { count -> Int in
                count += 1
                return count
            }
            gauge.set(Double(n))
        }
        defer { Task { await server.stop() } }
        #expect(server.port > 0)
        for expected in 1...2 {
            let (data, response) = try await URLSession.shared.data(from: URL(string: server.url)!)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200)
            #expect((http.value(forHTTPHeaderField: "Content-Type") ?? "").hasPrefix("text/plain; version=0.0.4"))
            let parsed = try PrometheusExposition(parsing: String(decoding: data, as: UTF8.self))
            #expect(parsed.value("greenstream_test_gauge") == Double(expected), "refreshed before each scrape")
        }
        await server.stop()
    }

    @Test("a port in use is an error at start, not a silent server that never listens")
    func portInUse() async throws {
        let first = try await MetricsServer(listen: "127.0.0.1:0", registry: .init(), logger: Logger(label: "test"))
        await #expect(throws: MetricsServerError.self) {
            _ = try await MetricsServer(
                listen: "127.0.0.1:\(first.port)", registry: .init(), logger: Logger(label: "test"))
        }
        await first.stop()
    }

    @Test("a listen address without a port is refused")
    func badAddress() async {
        await #expect(throws: MetricsServerError.self) {
            _ = try await MetricsServer(listen: "localhost", registry: .init(), logger: Logger(label: "test"))
        }
    }
}
