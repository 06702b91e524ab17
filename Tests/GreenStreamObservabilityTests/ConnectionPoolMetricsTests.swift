import Foundation
import GreenStreamMetricNames
import GreenStreamObservability
import GreenStreamTesting
import Postgres
import Prometheus
import Testing

/// The PostgreSQL pool's metrics (issue 11) against a real server (GS_PG_URL), read back through the
/// Prometheus backend and the strict parser.
struct ConnectionPoolMetricsTests {
    @Test("a pool of one: in use, open, and a checkout that waits for the lent connection")
    func inUseAndWaits() throws {
        let url = try #require(ProcessInfo.processInfo.environment["GS_PG_URL"], "GS_PG_URL (cluster/postgres.sh start)")
        let registry = PrometheusCollectorRegistry()
        let pool = ConnectionPool(
            url: url, maxConnections: 1, metricsFactory: MetricsBootstrap.makeFactory(registry: registry))
        func scrape() throws -> PrometheusExposition { try PrometheusExposition(parsing: registry.emitToString()) }

        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) {
            try? pool.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        var during = try scrape()
        #expect(during.value(MetricNames.pgPoolInUse) == 1)
        #expect(during.value(MetricNames.pgPoolOpen) == 1)
        #expect(during.value(MetricNames.pgPoolWaits) == 0)

        DispatchQueue.global().async(group: done) {
            _ = try? pool.withConnection { c in try c.query("SELECT 1") }
        }
        // The second checkout counts its wait before it sleeps: that count is the signal.
        let deadline = Date().addingTimeInterval(30)
        while during.value(MetricNames.pgPoolWaits) != 1, Date() < deadline {
            usleep(10_000)
            during = try scrape()
        }
        #expect(during.value(MetricNames.pgPoolWaits) == 1)
        release.signal()
        done.wait()

        let after = try scrape()
        #expect(after.value(MetricNames.pgPoolInUse) == 0)
        #expect(after.value(MetricNames.pgPoolOpen) == 1, "one connection, reused")
        #expect(after.value(MetricNames.pgPoolWaitSeconds + "_count") == 2, "one observation per checkout")
        #expect((after.value(MetricNames.pgPoolWaitSeconds + "_sum") ?? 0) > 0, "the second one waited")
        pool.closeIdle()
        #expect(try scrape().value(MetricNames.pgPoolOpen) == 0)
    }
}
