import GreenStreamCore
import GreenStreamRPC

/// Output of `gsctl workers list`, `stats`, `peak`, `ingest` and `jobs retry` (R-O-2).
public enum ClusterFormat {
    // MARK: - workers list

    public static func workersTable(_ workers: [WorkerInfo], now: Int64) -> String {
        var table = TextTable([
            ("WORKER", .left), ("HOST", .left), ("VERSION", .left), ("ADDRESS", .left), ("REGISTERED", .right),
            ("LAST HEARTBEAT", .right), ("JOBS", .left),
        ])
        for w in workers {
            table.append([
                w.workerID, w.hostname.isEmpty ? "-" : w.hostname, w.softwareVersion.isEmpty ? "-" : w.softwareVersion,
                w.address.isEmpty ? "-" : w.address, TimeText.age(since: w.registeredAtUs, now: now) + " ago",
                w.lastHeartbeatUs == 0 ? "never" : TimeText.age(since: w.lastHeartbeatUs, now: now) + " ago",
                w.inFlight.isEmpty ? "-" : w.inFlight.map { "\($0.jobID)/\($0.attempt)" }.joined(separator: ","),
            ])
        }
        return workers.isEmpty ? "no workers registered\n" : table.render()
    }

    public static func workersJSON(_ workers: [WorkerInfo]) -> String {
        JSONValue.array(
            workers.map { w in
                .object([
                    ("worker_id", .string(w.workerID)), ("hostname", .string(w.hostname)),
                    ("version", .string(w.softwareVersion)), ("address", .string(w.address)),
                    ("registered_at", TimeText.json(w.registeredAtUs)),
                    ("last_heartbeat_at", TimeText.json(w.lastHeartbeatUs)),
                    (
                        "in_flight",
                        .array(
                            w.inFlight.map {
                                .object([("job_id", .int($0.jobID)), ("attempt", .int(Int64($0.attempt)))])
                            })
                    ),
                ])
            }
        ).text() + "\n"
    }

    // MARK: - stats

    public static func stats(_ s: StatsReply) -> String {
        let total = s.jobsByState.values.reduce(0, +)
        let states = JobState.allCases.map { "\($0.rawValue) \(s.jobsByState[$0, default: 0])" }.joined(separator: ", ")
        return """
            jobs      \(total) (\(states))
            readings  \(s.readingsStored) stored
            workers   \(s.workersAlive) alive
            polls     \(s.parkedPolls) waiting for work
            hot store \(hotStore(s.hotStore))

            """
    }

    /// `2026-11-28 … 2026-12-01, ~77 000 000 readings, 9.12 GB on disk, retention 7 days`.
    static func hotStore(_ h: HotStoreStats) -> String {
        let retention = h.retentionDays.map { "retention \($0) day\($0 == 1 ? "" : "s")" } ?? "keeps everything"
        let size = String(format: "%.2f GB on disk", Double(h.bytes) / 1e9)
        guard let oldest = h.oldestDay, let newest = h.newestDay else { return "empty, \(size), \(retention)" }
        return "\(oldest) … \(newest), ~\(h.rows) readings, \(size), \(retention)"
    }

    /// Every state appears, with 0 when it has no jobs.
    public static func statsJSON(_ s: StatsReply) -> String {
        JSONValue.object([
            (
                "jobs_by_state",
                .object(JobState.allCases.map { ($0.rawValue, .int(Int64(s.jobsByState[$0, default: 0]))) })
            ),
            ("jobs_total", .int(Int64(s.jobsByState.values.reduce(0, +)))),
            ("readings_stored", .int(Int64(s.readingsStored))), ("workers_alive", .int(Int64(s.workersAlive))),
            ("parked_polls", .int(Int64(s.parkedPolls))),
            (
                "hot_store",
                .object([
                    ("oldest_day", s.hotStore.oldestDay.map { .string($0) } ?? .null),
                    ("newest_day", s.hotStore.newestDay.map { .string($0) } ?? .null),
                    ("rows_estimated", .int(Int64(s.hotStore.rows))), ("bytes", .int(Int64(s.hotStore.bytes))),
                    ("retention_days", s.hotStore.retentionDays.map { .int(Int64($0)) } ?? .null),
                ])
            ),
        ]).text() + "\n"
    }

    // MARK: - peak

    /// The local hour of each peak (R-F-3), when the grid zone is one the core knows.
    static func localHour(_ hourStartUs: Int64, zone: String) -> UInt8? {
        (try? ZoneRules(named: zone.isEmpty ? "UTC" : zone))?.hourOfDay(utcMicros: hourStartUs)
    }

    public static func peak(_ r: PeakHoursReply) -> String {
        var out = "peak hours of \(r.day) (grid time zone \(r.gridTimeZone.isEmpty ? "UTC" : r.gridTimeZone))\n"
        guard !r.hours.isEmpty else { return out + "no readings that day\n" }
        var table = TextTable([
            ("RANK", .right), ("LOCAL HOUR", .left), ("HOUR START (UTC)", .left), ("METERS", .right),
            ("LOAD KW", .right),
        ])
        for (i, h) in r.hours.enumerated() {
            let local = localHour(h.hourStartUs, zone: r.gridTimeZone).map { h in
                let a = h < 10 ? "0\(h)" : "\(h)"
                let b = (h + 1) % 24 < 10 ? "0\((h + 1) % 24)" : "\((h + 1) % 24)"
                return "\(a):00-\(b):00"
            }
            table.append([
                "\(i + 1)", local ?? "-", TimeText.iso(h.hourStartUs), "\(h.meters)", kw(h.loadKW),
            ])
        }
        return out + table.render()
    }

    public static func peakJSON(_ r: PeakHoursReply) -> String {
        JSONValue.object([
            ("day", .string(r.day)), ("grid_time_zone", .string(r.gridTimeZone)),
            (
                "hours",
                .array(
                    r.hours.map { h in
                        .object([
                            ("hour_start", .string(TimeText.iso(h.hourStartUs))),
                            (
                                "local_hour",
                                localHour(h.hourStartUs, zone: r.gridTimeZone).map { .int(Int64($0)) } ?? .null
                            ),
                            ("meters", .int(Int64(h.meters))), ("load_kw", .double(h.loadKW)),
                        ])
                    })
            ),
        ]).text() + "\n"
    }

    /// kW with three decimals.
    static func kw(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let milli = (value * 1000).rounded()
        let sign = milli < 0 ? "-" : ""
        let m = Int64(abs(milli))
        let frac = String(m % 1000)
        return sign + "\(m / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    // MARK: - ingest, retry

    /// One line per file: `NAME: job 12 pending`.
    public static func ingest(_ results: [(file: String, reply: IngestFileReply)]) -> String {
        results.map { "\($0.file): job \($0.reply.jobID) \($0.reply.state.rawValue)\n" }.joined()
    }

    public static func ingestJSON(_ results: [(file: String, reply: IngestFileReply)]) -> String {
        JSONValue.array(
            results.map {
                .object([
                    ("file", .string($0.file)), ("job_id", .int($0.reply.jobID)),
                    ("state", .string($0.reply.state.rawValue)),
                ])
            }
        ).text() + "\n"
    }

    public static func retry(_ r: RetryJobsReply) -> String {
        guard !r.retriedJobIDs.isEmpty else { return "no job matched; nothing retried\n" }
        let n = r.retriedJobIDs.count
        return "sent \(n) job\(n == 1 ? "" : "s") through again: "
            + r.retriedJobIDs.map(String.init).joined(separator: ", ") + "\n"
    }

    public static func retryJSON(_ r: RetryJobsReply) -> String {
        JSONValue.object([("retried", .array(r.retriedJobIDs.map { .int($0) }))]).text() + "\n"
    }
}
