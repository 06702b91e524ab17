import GreenStreamCore
import Postgres

/// A page of jobs, newest first, and the key to ask for the next page.
public struct JobPage: Sendable, Equatable {
    public var jobs: [Job]
    /// Pass as `beforeID` to continue; nil on the last page.
    public var nextBeforeID: Int64?
}

extension JobStore {
    /// Lists jobs newest first, optionally of one state, paging by key (R-J-9): each page is an
    /// index range scan on `(state, id)` or the primary key, however many jobs exist.
    /// - Parameters:
    ///   - state: only jobs in this state.
    ///   - limit: page size, 1…10 000.
    ///   - beforeID: continue after a previous page (its ``JobPage/nextBeforeID``).
    public func jobList(state: JobState? = nil, limit: Int = 50, beforeID: Int64? = nil) throws -> JobPage {
        guard (1...10_000).contains(limit) else { throw StoreError.invalidParameter("limit must be 1…10000") }
        var values: [PostgresValue] = [.int(Int64(limit) + 1)]
        if let state { values.append(.text(state.rawValue)) }
        if let beforeID { values.append(.int(beforeID)) }
        let sql = Self.listSQL(byState: state != nil, beforeID: beforeID != nil)
        let result = try pool.withConnection { c in try c.query(sql, values) }
        var jobs = try result.allRows.map(Job.init(row:))
        var next: Int64?
        if jobs.count > limit {
            jobs.removeLast()
            next = jobs.last?.id
        }
        return JobPage(jobs: jobs, nextBeforeID: next)
    }

    /// The page query: `$1` the limit (+1 to see whether another page follows), then the state
    /// (`byState`) and the key to continue below (`beforeID`) as the next parameters. Chosen from
    /// fixed fragments; every value is a parameter.
    static func listSQL(byState: Bool, beforeID: Bool) -> String {
        var conditions: [String] = []
        var next = 2
        if byState {
            conditions.append("state = $\(next)::job_state")
            next += 1
        }
        if beforeID { conditions.append("id < $\(next)") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") + " "
        return "SELECT \(Job.columns) FROM jobs \(whereClause)ORDER BY id DESC LIMIT $1"
    }

    /// One job with its attempt history (R-J-8), or nil when no job has this id.
    public func jobShow(id: Int64) throws -> JobDetail? {
        try pool.withConnection { c in
            let job = try c.query("SELECT \(Job.columns) FROM jobs WHERE id = $1", [.int(id)])
            guard !job.isEmpty else { return nil }
            let attempts = try c.query(
                "SELECT \(JobAttemptRecord.columns) FROM job_attempts WHERE job_id = $1 ORDER BY attempt", [.int(id)])
            return JobDetail(
                job: try Job(row: job.row(0)), attempts: try attempts.allRows.map(JobAttemptRecord.init(row:)))
        }
    }

    /// Jobs per state, every state present (zero when none), read from the trigger-maintained
    /// delta table instead of scanning jobs (R-J-9). Folds the deltas first so the table stays small.
    public func jobCountsByState() throws -> [JobState: Int64] {
        let result = try pool.withConnection { c in
            try c.query(
                """
                WITH folded AS (DELETE FROM job_state_count_deltas RETURNING state, delta)
                INSERT INTO job_state_count_deltas (state, delta)
                SELECT state, sum(delta) FROM folded GROUP BY state HAVING sum(delta) <> 0
                """)
            return try c.query(
                "SELECT state::text AS state, sum(delta)::bigint AS n FROM job_state_count_deltas GROUP BY state")
        }
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, Int64(0)) })
        for row in result.allRows {
            let text = try row.string("state")
            guard let state = JobState(rawValue: text) else { throw StoreError.corruptRow("job state \(text)") }
            counts[state] = try row.int("n")
        }
        return counts
    }
}
