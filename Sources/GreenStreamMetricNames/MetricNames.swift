// Every metric GreenStream exports, named once (issue 11). The instrumented libraries (Postgres,
// GreenStreamRPC, GreenStreamCoordinator, GreenStreamWorker) take their names from here and talk only to
// swift-metrics' API; the executables bootstrap the Prometheus backend (GreenStreamObservability).
// docs/OBSERVABILITY.md documents each entry, and cluster/grafana-dashboard.json may use only these.

/// The names of GreenStream's metrics, following Prometheus conventions: `greenstream_` prefix,
/// base units, `_total` on counters, `_seconds`/`_bytes` for units.
public enum MetricNames {
    // MARK: Coordinator: jobs
    /// Gauge, label `state`: jobs in each state, from the job store's per-state counts (R-J-9).
    public static let jobs = "greenstream_jobs"
    /// Counter: jobs created for landed files (duplicates included).
    public static let jobsCreated = "greenstream_jobs_created_total"
    /// Counter: jobs whose result was committed (state `succeeded`).
    public static let jobsSucceeded = "greenstream_jobs_succeeded_total"
    /// Counter: jobs ended as `duplicate` of an earlier success (R-J-2).
    public static let jobsDuplicate = "greenstream_jobs_duplicate_total"
    /// Counter: jobs moved to quarantine.
    public static let jobsQuarantined = "greenstream_jobs_quarantined_total"
    /// Counter, label `cause` (`attempt_failed`, `operator`): jobs sent round for another attempt.
    public static let jobsRetried = "greenstream_jobs_retried_total"
    /// Histogram: seconds from a job's creation (its file landed) to its hot-store commit.
    public static let landingToCommittedSeconds = "greenstream_landing_to_committed_seconds"
    /// Histogram: seconds one hot-store commit transaction took.
    public static let commitDurationSeconds = "greenstream_commit_duration_seconds"
    /// Counter: readings committed to the hot store.
    public static let readingsStored = "greenstream_readings_stored_total"
    /// Counter: of those, readings filled by interpolation.
    public static let readingsInterpolated = "greenstream_readings_interpolated_total"
    /// Counter, label `reason`: rejected rows of committed jobs, by SPEC reject reason.
    public static let rejects = "greenstream_rejects_total"
    /// Counter: bytes of the raw files of committed jobs.
    public static let processedBytes = "greenstream_processed_bytes_total"
    /// Gauge: workers whose last heartbeat is within the heartbeat timeout.
    public static let workersConnected = "greenstream_workers_connected"
    /// Counter: attempts the rescuer failed because their worker missed its heartbeats (R-J-3).
    public static let heartbeatMisses = "greenstream_heartbeat_misses_total"
    /// Gauge: `LeaseJob` long polls held right now (workers waiting for work).
    public static let leasesWaiting = "greenstream_leases_waiting"

    // MARK: RPC server (coordinator)
    /// Counter, label `call`: requests answered, refused ones included.
    public static let rpcRequests = "greenstream_rpc_requests_total"
    /// Counter, labels `call`, `code`: requests answered with a typed error.
    public static let rpcErrors = "greenstream_rpc_errors_total"

    // MARK: PostgreSQL connection pool (coordinator)
    /// Gauge: connections lent out right now.
    public static let pgPoolInUse = "greenstream_pg_pool_connections_in_use"
    /// Gauge: connections open (idle or lent).
    public static let pgPoolOpen = "greenstream_pg_pool_connections_open"
    /// Counter: checkouts that found every connection lent and had to wait.
    public static let pgPoolWaits = "greenstream_pg_pool_waits_total"
    /// Histogram: seconds a checkout waited for a connection (zero when one was idle).
    public static let pgPoolWaitSeconds = "greenstream_pg_pool_wait_seconds"

    // MARK: Worker
    /// Counter, label `outcome` (`succeeded`, `failed`): jobs a worker finished transforming.
    public static let workerJobs = "greenstream_worker_jobs_total"
    /// Histogram: seconds one job's transform (read, T1–T3, Parquet) took on a worker.
    public static let workerTransformSeconds = "greenstream_worker_transform_seconds"
    /// Counter: raw bytes a worker transformed.
    public static let workerProcessedBytes = "greenstream_worker_processed_bytes_total"
    /// Gauge: jobs running on a worker right now.
    public static let workerJobsInFlight = "greenstream_worker_jobs_in_flight"
}
