import Foundation
import Postgres

/// Settings of the job table's rules.
public struct JobStoreConfiguration: Sendable, Equatable {
    /// Retries after the first attempt (R-J-3): a job gets `1 + retries` attempts.
    public var retries: Int
    /// Wait before attempt n+1 after attempt n failed: exponential, full jitter, capped.
    public var retryPolicy: RetryPolicy
    /// Heartbeat timeout (R-J-3): a running attempt is lost when no heartbeat has named it for
    /// this long (its lease, opened at claim, runs this long past the last heartbeat).
    public var heartbeatTimeoutSeconds: Double

    public static let defaultRetries = 3
    public static let defaultRetryPolicy = RetryPolicy.standard
    public static let defaultHeartbeatTimeoutSeconds = 5.0

    public init(
        retries: Int = defaultRetries, retryPolicy: RetryPolicy = defaultRetryPolicy,
        heartbeatTimeoutSeconds: Double = defaultHeartbeatTimeoutSeconds
    ) {
        precondition(retries >= 0, "retries must be >= 0")
        precondition(heartbeatTimeoutSeconds > 0, "heartbeat timeout must be positive")
        self.retries = retries
        self.retryPolicy = retryPolicy
        self.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds
    }
}

/// What to create a job from: a landed file's name, content hash and size.
public struct JobCreateParams: Sendable, Equatable {
    public var fileName: String
    public var sha256: [UInt8]
    public var sizeBytes: Int64

    public init(fileName: String, sha256: [UInt8], sizeBytes: Int64) {
        self.fileName = fileName
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
    }
}

/// The durable job table (SPEC §7). Methods are named entity first and each is one short
/// transaction; every transition after an attempt checks its ``JobLease`` (R-J-4).
///
/// The synchronous methods block the calling thread on PostgreSQL; each has an `async`
/// twin of the same name (JobStore+Async.swift) that runs it on the pool's store threads, for
/// callers in Swift concurrency. The store is safe to share between threads.
public final class JobStore: Sendable {
    public let pool: ConnectionPool
    public let configuration: JobStoreConfiguration
    /// The jitter draw of the retry policy.
    let jitter: JitterSource

    /// - Parameter jitter: where retry waits draw their jitter; `.system` except in tests.
    public init(
        pool: ConnectionPool, configuration: JobStoreConfiguration = JobStoreConfiguration(),
        jitter: JitterSource = .system
    ) {
        self.pool = pool
        self.configuration = configuration
        self.jitter = jitter
    }

    /// Creates the job for a landed file, idempotently.
    ///
    /// A file is identified by (name, SHA-256): creating it again returns the latest job of that pair
    /// with `created == false`, whatever its state, so a rescan after a crash never creates a second
    /// job for a file still waiting. With `relanding`, a pair whose latest job has ended gets a new
    /// job: the caller knows the file landed again (its first landing already left `landing/`). A new
    /// file whose SHA-256 equals an already succeeded job's is created directly as `duplicate`
    /// (R-J-2), naming that job.
    public func jobCreate(_ params: JobCreateParams, relanding: Bool = false) throws -> (job: Job, created: Bool) {
        guard params.sha256.count == 32 else { throw StoreError.invalidParameter("sha256 must be 32 bytes") }
        guard !params.fileName.isEmpty, params.sizeBytes >= 0 else {
            throw StoreError.invalidParameter("file name must be non-empty and size >= 0")
        }
        let values: [PostgresValue] = [
            .text(params.fileName), .bytes(params.sha256), .int(params.sizeBytes),
            .int(Int64(1 + configuration.retries)),
        ]
        return try pool.withTransaction { c in
            // One creator per file name at a time, so the look-up and the insert below agree.
            try c.query("SELECT pg_advisory_xact_lock(7201, hashtext($1))", [.text(params.fileName)])
            let existing = try c.query(
                "SELECT \(Job.columns) FROM jobs WHERE file_name = $1 AND sha256 = $2 ORDER BY id DESC LIMIT 1",
                [.text(params.fileName), .bytes(params.sha256)])
            if !existing.isEmpty {
                let job = try Job(row: existing.row(0))
                if !(relanding && job.state.isTerminal) { return (job, false) }
            }
            let inserted = try c.query(
                """
                WITH original AS (
                    SELECT id FROM jobs WHERE sha256 = $2 AND state = 'succeeded' LIMIT 1
                )
                INSERT INTO jobs (file_name, sha256, size_bytes, max_attempts, state, duplicate_of, finished_at)
                SELECT $1, $2, $3, $4,
                       CASE WHEN o.id IS NULL THEN 'pending' ELSE 'duplicate' END::job_state,
                       o.id, CASE WHEN o.id IS NULL THEN NULL ELSE now() END
                FROM (SELECT 1) AS one LEFT JOIN original o ON true
                RETURNING \(Job.columns)
                """, values)
            guard !inserted.isEmpty else {
                throw StoreError.corruptRow("job for \(params.fileName) neither inserted nor found")
            }
            return (try Job(row: inserted.row(0)), true)
        }
    }

    /// Claims the runnable job that is due first (pending, or retrying past its backoff) for
    /// `workerID`, starting its next attempt: the attempt number grows by one, a history row
    /// opens (R-J-8) and the attempt's own lease runs for the heartbeat timeout. A worker may
    /// hold several attempts at once; each lives by the heartbeats that name it. `SKIP LOCKED`
    /// lets several dispatchers claim at once without waiting on each other.
    /// - Returns: the claimed job (its ``Job/lease`` is the fencing token), or nil when none is due.
    public func jobClaimNext(workerID: String) throws -> Job? {
        guard !workerID.isEmpty else { throw StoreError.invalidParameter("worker id must be non-empty") }
        return try pool.withTransaction { c in
            let claimed = try c.query(Self.claimSQL, [.text(workerID), .double(configuration.heartbeatTimeoutSeconds)])
            guard !claimed.isEmpty else { return nil }
            let job = try c.query("SELECT \(Job.columns) FROM jobs WHERE id = $1", [.int(try claimed.row(0).int("id"))])
            return try Job(row: job.row(0))
        }
    }

    /// The claim (`$1` worker id, `$2` lease seconds): picks the due job by the `jobs_runnable`
    /// index, starts its attempt, opens the history row and the lease, and records the worker.
    static let claimSQL = """
        WITH next AS (
            SELECT id AS claim_id FROM jobs
            WHERE state IN ('pending', 'retrying') AND next_attempt_at <= now()
            ORDER BY next_attempt_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE jobs
            SET state = 'running', attempt = attempt + 1, worker_id = $1, updated_at = now()
            FROM next WHERE id = next.claim_id
            RETURNING id, attempt
        ), started AS (
            INSERT INTO job_attempts (job_id, attempt, worker_id)
            SELECT id, attempt, $1 FROM claimed
        ), leased AS (
            INSERT INTO attempt_leases (job_id, attempt, worker_id, expires_at)
            SELECT id, attempt, $1, now() + make_interval(secs => $2) FROM claimed
        ), worker AS (
            INSERT INTO workers (id, last_heartbeat_at)
            SELECT $1, now() FROM claimed
            ON CONFLICT (id) DO UPDATE SET last_heartbeat_at = now()
        )
        SELECT id FROM claimed
        """
}
