import Foundation
import GreenStreamTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 11 items 1 and 2 end to end: a cluster started with GS_METRICS=1 and GS_LOG_FORMAT=json
/// runs a few files (clean, with rejects, one quarantined, one duplicate); then the coordinator's and
/// the workers' `/metrics` are scraped over HTTP, parsed strictly as Prometheus exposition format,
/// and their counters compared with what the run did (the job table as `gsctl jobs list` shows it).
extension ClusterTests {
    /// `NAME URL` lines of DIR/metrics.addresses.
    static func metricsAddresses(_ cluster: LocalCluster) throws -> [String: String] {
        let text = try String(contentsOf: cluster.dir.appendingPathComponent("metrics.addresses"), encoding: .utf8)
        var urls: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { urls[String(parts[0])] = String(parts[1]) }
        }
        return urls
    }

    static func scrape(_ url: String) async throws -> PrometheusExposition {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        let status = (response as? HTTPURLResponse)?.statusCode
        guard status == 200 else { throw ChildProcessError("GET \(url): status \(status ?? -1)") }
        return try PrometheusExposition(parsing: String(decoding: data, as: UTF8.self))
    }

    /// A file whose rows are partly bad: two reasons of reject besides its good readings.
    static let fileWithRejects: [UInt8] =
        MeterCSV.clean(meters: 900...901, slots: 8)
        + Array(
            """
            not-a-meter,2024-06-01T00:00:00Z,1.0,kW
            902,yesterday,1.0,kW
            903,2024-06-01T00:15:00Z,1.0,furlongs

            """.utf8)

    @Test("issue 11: /metrics of coordinator and workers match the run; logs are JSON lines with job outcomes at info")
    func metricsMatchTheRun() async throws {
        // A long heartbeat timeout: on a loaded 2-core machine a debug worker may stall for seconds, and a
        // rescued attempt would (rightly) change the counts this test compares exactly.
        let environment = ["GS_METRICS": "1", "GS_LOG_FORMAT": "json", "GS_HEARTBEAT_TIMEOUT": "30"]
        try await Self.withCluster(workers: 2, environment: environment) { cluster in
            let urls = try Self.metricsAddresses(cluster)
            #expect(Set(urls.keys) == ["coordinator", "worker-1", "worker-2"], "\(urls)")
            let coordinatorURL = try #require(urls["coordinator"])

            let files: [(String, [UInt8])] = [
                ("clean-a.csv", MeterCSV.clean(meters: 1...10, slots: 96)),
                ("feeder-north.csv", try Self.fleetFile("01-feeder-north.csv")),
                ("with-rejects.csv", Self.fileWithRejects),
                ("no-unit.csv", MeterCSV.missingUnit),
            ]
            for (name, bytes) in files { try cluster.land(name, bytes) }
            try cluster.waitForTerminalJobs(count: files.count)
            // The same content again after it succeeded: a duplicate job, never run (R-J-2).
            try cluster.land("clean-a-again.csv", files[0].1)
            let jobs = try cluster.waitForTerminalJobs(count: files.count + 1)
            let notFound = try cluster.gsctl(["jobs", "show", "999999"])
            #expect(notFound.status != 0, "an RPC error for the error counter")

            let succeeded = jobs.filter { $0.state == "succeeded" }
            let quarantined = jobs.filter { $0.state == "quarantined" }
            let duplicate = jobs.filter { $0.state == "duplicate" }
            #expect(succeeded.count == 3 && quarantined.map(\.file) == ["no-unit.csv"] && duplicate.count == 1)
            let sizes = Dictionary(uniqueKeysWithValues: files.map { ($0.0, Double($0.1.count)) })
            var rejects: [String: Int] = [:]
            for job in succeeded { rejects.merge(job.rejectsByReason ?? [:], uniquingKeysWith: +) }
            #expect(rejects.values.filter { $0 > 0 }.count >= 2, "the run rejected rows for several reasons: \(rejects)")

            // The counters move right after the job table does: wait for that signal, then compare all.
            var coordinator = try await Self.scrape(coordinatorURL)
            let deadline = Date().addingTimeInterval(30)
            while coordinator.value("greenstream_jobs_succeeded_total") != Double(succeeded.count)
                || coordinator.value("greenstream_jobs_quarantined_total") != Double(quarantined.count),
                Date() < deadline
            {
                try await Task.sleep(for: .milliseconds(50))
                coordinator = try await Self.scrape(coordinatorURL)
            }
            let c = coordinator
            #expect(c.value("greenstream_jobs_created_total") == Double(jobs.count))
            #expect(c.value("greenstream_jobs_succeeded_total") == Double(succeeded.count))
            #expect(c.value("greenstream_jobs_quarantined_total") == 1)
            #expect(c.value("greenstream_jobs_duplicate_total") == 1)
            #expect(c.value("greenstream_jobs_retried_total", ["cause": "attempt_failed"]) == 0)
            #expect(c.value("greenstream_jobs", ["state": "succeeded"]) == Double(succeeded.count))
            #expect(c.value("greenstream_jobs", ["state": "quarantined"]) == 1)
            #expect(c.value("greenstream_jobs", ["state": "pending"]) == 0)
            #expect(
                c.value("greenstream_readings_stored_total") == Double(succeeded.reduce(0) { $0 + ($1.rowsStored ?? 0) }))
            #expect(
                c.value("greenstream_readings_interpolated_total")
                    == Double(succeeded.reduce(0) { $0 + ($1.rowsInterpolated ?? 0) }))
            for (reason, count) in rejects {
                #expect(c.value("greenstream_rejects_total", ["reason": reason]) == Double(count), "\(reason)")
            }
            #expect(c.sum("greenstream_rejects_total") == Double(rejects.values.reduce(0, +)))
            #expect(
                c.value("greenstream_processed_bytes_total") == succeeded.reduce(0) { $0 + (sizes[$1.file] ?? .nan) })
            #expect(c.value("greenstream_landing_to_committed_seconds_count") == Double(succeeded.count))
            #expect(c.value("greenstream_commit_duration_seconds_count") == Double(succeeded.count))
            #expect(c.value("greenstream_workers_connected") == 2)
            #expect(c.value("greenstream_heartbeat_misses_total") == 0)
            #expect((c.value("greenstream_pg_pool_connections_open") ?? 0) >= 1)
            #expect((c.value("greenstream_pg_pool_wait_seconds_count") ?? 0) > 0)
            #expect((c.value("greenstream_rpc_requests_total", ["call": "register_worker"]) ?? 0) >= 2)
            #expect((c.value("greenstream_rpc_requests_total", ["call": "lease_job"]) ?? 0) >= 4)
            #expect((c.value("greenstream_rpc_requests_total", ["call": "report_result"]) ?? 0) >= 4)
            #expect((c.value("greenstream_rpc_requests_total", ["call": "list_jobs"]) ?? 0) >= 2)
            #expect(c.value("greenstream_rpc_errors_total", ["call": "show_job", "code": "not_found"]) == 1)
            #expect(c.all("greenstream_rpc_requests_total").allSatisfy { $0.labels.keys.sorted() == ["call"] })

            // Workers: every job run (the duplicate never is) counted once, on the worker that ran it.
            let ran = succeeded + quarantined
            var workers: [PrometheusExposition] = []
            for name in ["worker-1", "worker-2"] { workers.append(try await Self.scrape(try #require(urls[name]))) }
            func total(_ name: String, _ labels: [String: String] = [:]) -> Double {
                workers.reduce(0) { $0 + $1.sum(name, labels) }
            }
            #expect(total("greenstream_worker_jobs_total", ["outcome": "succeeded"]) == Double(succeeded.count))
            #expect(total("greenstream_worker_jobs_total", ["outcome": "failed"]) == 1)
            #expect(total("greenstream_worker_transform_seconds_count") == Double(ran.count))
            #expect(total("greenstream_worker_processed_bytes_total") == ran.reduce(0) { $0 + (sizes[$1.file] ?? .nan) })
            #expect(total("greenstream_worker_jobs_in_flight") == 0)
            #expect(workers.allSatisfy { $0.types["greenstream_jobs_created_total"] == nil })

            // Logs: with GS_LOG_FORMAT=json every daemon line is one JSON object, and info shows each
            // job's outcome with its metadata, but no heartbeats.
            let log = cluster.log("coordinator").split(separator: "\n").filter { !$0.hasPrefix("=== local.sh") }
            var messages: [(String, [String: String])] = []
            for line in log {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
                #expect(object["ts"] is String && object["level"] is String && object["label"] is String)
                let metadata = object["metadata"] as? [String: String] ?? [:]
                messages.append(((object["message"] as? String) ?? "", metadata))
            }
            for job in jobs {
                let id = String(job.jobID)
                #expect(messages.contains { ($0.0 == "job created" || $0.0 == "job duplicate") && $0.1["job_id"] == id })
            }
            for job in succeeded {
                let id = String(job.jobID)
                #expect(messages.contains { $0.0 == "job leased" && $0.1["job_id"] == id && $0.1["worker"] != nil })
                #expect(messages.contains { $0.0 == "job committed" && $0.1["job_id"] == id && $0.1["file"] == job.file })
            }
            #expect(
                messages.contains {
                    $0.0 == "job quarantined" && $0.1["job_id"] == String(quarantined[0].jobID)
                        && $0.1["reason"] == "missing_column:unit"
                })
            #expect(!messages.contains { $0.0.contains("heartbeat") }, "heartbeats are below info")
            #expect(messages.contains { $0.0 == "metrics ready" && $0.1["url"] == coordinatorURL })
        }
    }
}
