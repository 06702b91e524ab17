import GreenStreamCore
import Postgres

/// The `async` twins of HotStore's entry points: each runs its synchronous namesake on the
/// pool's store threads. A commit of a million readings holds a thread for seconds; here that
/// is a store thread, never one of the few cooperative threads that RPC handlers need.
extension HotStore {
    /// See ``commit(_:)``. Runs in the pool's bulk lane (``ConnectionPool/bulkThreads``): at
    /// most that many commits run at once, at a lower CPU priority, and the rest wait their turn
    /// without holding a thread or a connection, so heartbeats keep their latency.
    public func commit(_ params: HotCommitParams) async throws -> HotCommitResult {
        try await pool.bulkThreads.run { try self.commit(params) }
    }

    /// See ``gridTimeZone()``.
    public func gridTimeZone() async throws -> String {
        try await pool.threads.run { try self.gridTimeZone() }
    }

    /// See ``setGridTimeZone(_:)``.
    public func setGridTimeZone(_ zone: String) async throws {
        try await pool.threads.run { try self.setGridTimeZone(zone) }
    }

    /// See ``resolveCommitOutcome(lease:)``. It may wait on the job row for a COMMIT the server
    /// is still finishing, so it too runs on a store thread.
    public func resolveCommitOutcome(lease: JobLease) async throws -> HotCommitResolution {
        try await pool.threads.run { try self.resolveCommitOutcome(lease: lease) }
    }

    /// See ``ensurePartitions(fromDay:throughDay:)``.
    public func ensurePartitions(fromDay: String, throughDay: String) async throws {
        try await pool.threads.run { try self.ensurePartitions(fromDay: fromDay, throughDay: throughDay) }
    }

    /// See ``dropPartitions(olderThanDays:now:)``. It may wait seconds for running commits, so it
    /// runs on a store thread.
    public func dropPartitions(olderThanDays retentionDays: Int, now: Int64) async throws -> [String] {
        try await pool.threads.run { try self.dropPartitions(olderThanDays: retentionDays, now: now) }
    }

    /// See ``dropExpiredPartitions()``.
    public func dropExpiredPartitions() async throws -> [String] {
        try await pool.threads.run { try self.dropExpiredPartitions() }
    }

    /// See ``extent()``.
    public func extent() async throws -> HotStoreExtent {
        try await pool.threads.run { try self.extent() }
    }

    /// See ``partitionDays()``.
    public func partitionDays() async throws -> [HotPartitionDay] {
        try await pool.threads.run { try self.partitionDays() }
    }
}
