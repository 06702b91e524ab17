// Hot-store housekeeping (issue 12): retention by whole day partitions, and partitions made ahead
// of the data. The store does the work (HotStore+Partitions); the coordinator says when.
import Foundation
import GreenStreamStore

extension Coordinator {
    /// Once at start and then every `hotMaintenanceIntervalSeconds` (an hour by default): drops the
    /// day partitions older than the retention window, if there is one, and makes sure the
    /// partitions of today and the next `hotPartitionDaysAhead` days exist. Failures are logged
    /// and retried at the next round: a late drop only keeps data longer, and a commit creates a
    /// missing partition itself.
    func maintainHotStore(now: Int64 = Int64(Date().timeIntervalSince1970)) async {
        if let days = configuration.hotRetentionDays {
            do {
                let dropped = try await hot.dropPartitions(olderThanDays: days, now: now)
                if !dropped.isEmpty {
                    logger.info(
                        "hot store: dropped day partitions beyond the retention window",
                        metadata: [
                            "days": "\(dropped.joined(separator: ","))", "count": "\(dropped.count)",
                            "retention_days": "\(days)",
                        ]
                    )
                }
            } catch {
                logger.error("hot store: dropping partitions beyond \(days) days failed: \(error)")
            }
        }
        let today = now - ((now % 86_400) + 86_400) % 86_400
        let from = HotStoreRetention.dayString(today / 86_400)
        let through = HotStoreRetention.dayString(today / 86_400 + Int64(configuration.hotPartitionDaysAhead))
        do {
            try await hot.ensurePartitions(fromDay: from, throughDay: through)
        } catch {
            logger.error("hot store: creating partitions \(from)…\(through) failed: \(error)")
        }
    }

    func hotStoreLoop() async {
        while !Task.isCancelled && !isDraining {
            try? await Task.sleep(for: .seconds(configuration.hotMaintenanceIntervalSeconds))
            if Task.isCancelled || isDraining { return }
            await maintainHotStore()
        }
    }
}
