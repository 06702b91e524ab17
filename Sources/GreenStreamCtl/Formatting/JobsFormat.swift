import GreenStreamCore
import GreenStreamRPC

/// `gsctl jobs list` and `gsctl jobs show` output (R-O-1, R-J-8), from model values only.
public enum JobsFormat {
    /// The R-O-1 table: job id, state, attempts, file, rows stored / interpolated / rejected,
    /// worker, age (since the file landed), error.
    public static func table(_ jobs: [JobSummary], now: Int64) -> String {
        var table = TextTable([
            ("JOB", .right), ("STATE", .left), ("ATTEMPTS", .right), ("FILE", .left), ("STORED", .right),
            ("INTERPOLATED", .right), ("REJECTED", .right), ("WORKER", .left), ("AGE", .right), ("ERROR", .left),
        ])
        for j in jobs {
            table.append([
                "\(j.jobID)", j.state.rawValue, "\(j.attempts)", j.fileName, "\(j.rowsStored)", "\(j.rowsInterpolated)",
                "\(j.rowsRejected)", j.workerID.isEmpty ? "-" : j.workerID,
                TimeText.age(since: j.createdAtUs, now: now),
                j.error.isEmpty ? "-" : j.error,
            ])
        }
        return table.render()
    }

    /// One job as the JSON object of issue 9's interface: `job_id`, `state` (SPEC names), `file`,
    /// `attempts`, `worker` (null if none), `error` (null if none), `rows_stored`,
    /// `rows_interpolated`, `rows_rejected`, `rejects_by_reason` (reason → count), then
    /// `created_at`/`updated_at` (ISO 8601 UTC).
    public static func json(_ j: JobSummary) -> JSONValue {
        .object([
            ("job_id", .int(j.jobID)), ("state", .string(j.state.rawValue)), ("file", .string(j.fileName)),
            ("attempts", .int(Int64(j.attempts))), ("worker", .stringOrNull(j.workerID)),
            ("error", .stringOrNull(j.error)), ("rows_stored", .int(Int64(j.rowsStored))),
            ("rows_interpolated", .int(Int64(j.rowsInterpolated))), ("rows_rejected", .int(Int64(j.rowsRejected))),
            ("rejects_by_reason", rejects(j.rejectCounts)), ("created_at", TimeText.json(j.createdAtUs)),
            ("updated_at", TimeText.json(j.updatedAtUs)),
        ])
    }

    /// `jobs list --json`: one array, newest job first (the order given), one line.
    public static func json(_ jobs: [JobSummary]) -> String { JSONValue.array(jobs.map(json)).text() + "\n" }

    /// Reason → count, reasons in name order.
    static func rejects(_ counts: [RejectReason: Int]) -> JSONValue {
        .object(counts.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .int(Int64($0.value))) })
    }

    /// `jobs show ID`: the job, its file, its rejects and its attempt history (R-J-8).
    public static func show(_ r: ShowJobReply, now: Int64) -> String {
        let j = r.job
        var out = "job \(j.jobID): \(j.state.rawValue)\n"
        var facts: [(String, String)] = [
            ("file", j.fileName), ("size", "\(r.fileSize) bytes"),
            ("sha256", r.fileSHA256.isEmpty ? "-" : r.fileSHA256),
            ("landed", "\(TimeText.iso(j.createdAtUs)) (\(TimeText.age(since: j.createdAtUs, now: now)) ago)"),
            ("updated", TimeText.iso(j.updatedAtUs)), ("attempts", "\(j.attempts)"),
            ("worker", j.workerID.isEmpty ? "-" : j.workerID),
            ("rows", "\(j.rowsStored) stored (\(j.rowsInterpolated) interpolated), \(j.rowsRejected) rejected"),
        ]
        let counts = r.rejectCounts.isEmpty ? j.rejectCounts : r.rejectCounts
        facts.append(
            (
                "rejects",
                counts.isEmpty
                    ? "-"
                    : counts.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }
                        .joined(separator: ", ")
            ))
        facts.append(("error", j.error.isEmpty ? "-" : j.error))
        let width = facts.map(\.0.count).max() ?? 0
        for (k, v) in facts { out += k + String(repeating: " ", count: width - k.count) + "  " + v + "\n" }
        out += "\n"
        var table = TextTable([
            ("ATTEMPT", .right), ("WORKER", .left), ("STARTED", .left), ("ENDED", .left), ("OUTCOME", .left),
            ("ERROR", .left),
        ])
        for a in r.attempts {
            table.append([
                "\(a.attempt)", a.workerID.isEmpty ? "-" : a.workerID, TimeText.iso(a.startedAtUs),
                a.endedAtUs == 0 ? "-" : TimeText.iso(a.endedAtUs), a.outcome, a.error.isEmpty ? "-" : a.error,
            ])
        }
        return out + (r.attempts.isEmpty ? "no attempts yet\n" : table.render())
    }

    /// `jobs show ID --json`: the list object plus `file_sha256`, `file_size` and `history`.
    public static func showJSON(_ r: ShowJobReply) -> String {
        guard case .object(var fields) = json(r.job) else { return "" }
        if !r.rejectCounts.isEmpty, let i = fields.firstIndex(where: { $0.0 == "rejects_by_reason" }) {
            fields[i].1 = rejects(r.rejectCounts)
        }
        fields.append(("file_sha256", .string(r.fileSHA256)))
        fields.append(("file_size", .int(Int64(clamping: r.fileSize))))
        fields.append(
            (
                "history",
                .array(
                    r.attempts.map { a in
                        .object([
                            ("attempt", .int(Int64(a.attempt))), ("worker", .stringOrNull(a.workerID)),
                            ("started_at", TimeText.json(a.startedAtUs)), ("ended_at", TimeText.json(a.endedAtUs)),
                            ("outcome", .string(a.outcome)), ("error", .stringOrNull(a.error)),
                        ])
                    })
            ))
        return JSONValue.object(fields).text() + "\n"
    }
}
