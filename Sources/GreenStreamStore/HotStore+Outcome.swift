import GreenStreamCore
import Postgres

extension HotStore {
    /// How long ``resolveCommitOutcome(lease:)`` waits for a commit still in progress on the server.
    static let resolveLockTimeout = "10s"

    /// Whether the hot commit of `lease` happened, read from the database on a fresh connection
    /// (R-H-3, R-J-7). Call it when a commit's connection died during COMMIT (``commit(_:)``
    /// returned ``HotCommitResult/unknown``, or a coordinator restarts with an attempt whose
    /// outcome it never learnt) before recording a failure or discarding the attempt's archive files.
    ///
    /// The commit transaction locks the job row first, so this waits (up to 10 s) for a lost
    /// COMMIT that the server is still working on, then reads the settled state: the attempt's
    /// history row is closed as `succeeded` or `duplicate` only by its own commit.
    /// - Throws: ``PostgresError`` when the server cannot be reached (or the wait times out; ask
    ///   again later); ``StoreError/jobNotFound(_:)``.
    public func resolveCommitOutcome(lease: JobLease) throws -> HotCommitResolution {
        // Not from the pool: its idle connections may have died with the one that was committing.
        let c = try PostgresConnection.connect(url: resolveURL, retryForSeconds: pool.reconnectSeconds)
        return try c.transaction(.readCommitted) { c in
            try c.execute(unsafeSQL: "SET LOCAL lock_timeout = '\(Self.resolveLockTimeout)'")
            let locked = try c.query("SELECT 1 FROM jobs WHERE id = $1 FOR SHARE", [.int(lease.jobID)])
            guard !locked.isEmpty else { throw StoreError.jobNotFound(lease.jobID) }
            // A new statement, so a new READ COMMITTED snapshot that sees the finished transaction.
            let row = try c.query(
                """
                SELECT j.state::text AS state, a.outcome FROM jobs j
                LEFT JOIN job_attempts a ON a.job_id = j.id AND a.attempt = $2
                WHERE j.id = $1
                """, [.int(lease.jobID), .int(Int64(lease.attempt))]
            ).row(0)
            let outcome = try row.text("outcome")
            guard let state = JobState(rawValue: try row.string("state")) else {
                throw StoreError.corruptRow("job state \(try row.string("state"))")
            }
            if (outcome == "succeeded" && state == .succeeded) || (outcome == "duplicate" && state == .duplicate) {
                return .committed(state)
            }
            return .notCommitted
        }
    }
}
