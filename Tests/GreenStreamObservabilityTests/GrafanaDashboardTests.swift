import Foundation
import GreenStreamMetricNames
import Testing

/// cluster/grafana-dashboard.json and docs/OBSERVABILITY.md stay in step with the metrics exported.
struct GrafanaDashboardTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func dashboard() throws -> [String: Any] {
        let data = try Data(contentsOf: repo.appendingPathComponent("cluster/grafana-dashboard.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// `greenstream_…` names in a PromQL expression, histogram series suffixes stripped.
    static func metricNames(in expr: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "greenstream_[a-z_]+")
        let range = NSRange(expr.startIndex..., in: expr)
        var names = Set<String>()
        for match in regex.matches(in: expr, range: range) {
            var name = String(expr[Range(match.range, in: expr)!])
            for suffix in ["_bucket", "_sum", "_count"] where MetricCatalog.definition(name) == nil {
                if name.hasSuffix(suffix), MetricCatalog.definition(String(name.dropLast(suffix.count)))?.kind == .histogram {
                    name = String(name.dropLast(suffix.count))
                }
            }
            names.insert(name)
        }
        return names
    }

    @Test("valid JSON; every panel has a unique id, a type, a place and a datasource; every expr names exported metrics")
    func panelsUseExportedMetrics() throws {
        let dashboard = try Self.dashboard()
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 10)
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count)
        var used = Set<String>()
        var sqlPanels = 0
        for panel in panels {
            let title = panel["title"] as? String ?? "?"
            #expect(panel["type"] is String && panel["gridPos"] is [String: Any], "\(title)")
            if panel["type"] as? String == "row" { continue }
            let source = try #require(panel["datasource"] as? [String: Any], "\(title)")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title)")
            #expect(!targets.isEmpty, "\(title)")
            for target in targets {
                if let expr = target["expr"] as? String {
                    #expect(source["type"] as? String == "prometheus", "\(title)")
                    let names = Self.metricNames(in: expr)
                    #expect(!names.isEmpty, "\(title): \(expr)")
                    for name in names {
                        #expect(MetricCatalog.definition(name) != nil, "\(title): \(name) is not exported")
                        if name.hasSuffix("_total") { #expect(expr.contains("rate(") || expr.contains("increase("), "\(title): counters are rated") }
                    }
                    used.formUnion(names)
                } else {
                    let sql = try #require(target["rawSql"] as? String, "\(title): neither expr nor rawSql")
                    #expect(source["type"] as? String == "grafana-postgresql-datasource", "\(title)")
                    #expect(sql.contains("grid_hourly"), "\(title): grid panels read the grid_hourly rollup")
                    #expect(!sql.lowercased().contains("from readings"), "\(title): never the readings table")
                    sqlPanels += 1
                }
            }
        }
        #expect(sqlPanels >= 2, "load by hour and peak hours")
        for needed in [
            MetricNames.jobs, MetricNames.readingsStored, MetricNames.landingToCommittedSeconds, MetricNames.rejects,
            MetricNames.workersConnected, MetricNames.rpcErrors,
        ] {
            #expect(used.contains(needed), "the dashboard shows \(needed)")
        }
    }

    @Test("docs/OBSERVABILITY.md documents every metric with its type")
    func documented() throws {
        let doc = try String(contentsOf: Self.repo.appendingPathComponent("docs/OBSERVABILITY.md"), encoding: .utf8)
        for metric in MetricCatalog.all {
            let line = doc.split(separator: "\n").first { $0.contains("`\(metric.name)`") }
            #expect(line?.contains(metric.kind.rawValue) == true, "\(metric.name) (\(metric.kind)) in the metric table")
        }
    }
}
