// Start-up reconciliation (R-J-7, R-P-1): before serving, the zones are brought in line with
// PostgreSQL. The decisions are RestartDecision's; this file lists the zones and performs them.
//
// 1. Every staged attempt (archive staging and staged rejects CSVs): finished if it is its job's
//    succeeded attempt (publish, rejects CSV, raw file to processed/, finalize), else undone.
// 2. Raw files in quarantine/ whose job succeeded after an operator retry: moved to processed/.
// 3. Files in landing/ (start() runs the landing scan next): each is hashed and gets its job, or
//    finds it; a job that already ended has its raw file moved to processed/ or quarantine/.
// 4. Attempts running on workers that are gone: left to the rescuer (their leases expire).
import GreenStreamCore
import GreenStreamStore
import Logging

extension Coordinator {
    func reconcile() async throws {
        let archive = self.archive
        let zones = self.zones
        let staged = try await files.run { Set(try archive.stagedAttempts() + zones.stagedRejects()) }
        for lease in staged.sorted(by: { ($0.jobID, $0.attempt) < ($1.jobID, $1.attempt) }) {
            let job = try await jobs.jobShow(id: lease.jobID)?.job
            let decision = RestartDecision.staged(lease, job: job)
            let meta: Logger.Metadata = ["job_id": "\(lease.jobID)", "attempt": "\(lease.attempt)"]
            switch decision {
            case .finish:
                guard let job else { continue }
                try await files.run {
                    if zones.exists(archive.layout.manifest(lease)) { try archive.publish(lease) }
                    try zones.publishRejects(lease)
                    try zones.moveRawToProcessed(job)
                    try archive.finalize(lease)
                }
                logger.info("restart: committed attempt finished", metadata: meta)
            case .undo:
                try await files.run {
                    try archive.discard(lease)
                    try zones.discardRejects(lease)
                }
                logger.info("restart: uncommitted attempt undone", metadata: meta)
            }
        }
        let quarantined = try await files.run { try zones.quarantinedRawFiles().map { QuarantinedFile(id: $0.jobID) } }
        for id in quarantined.map(\.id) {
            guard let job = try await jobs.jobShow(id: id)?.job else { continue }
            if RestartDecision.rawFile(jobState: job.state) == .moveToProcessed {
                try await files.run { try zones.moveRawToProcessed(job) }
                logger.info("restart: retried job's raw file moved to processed", metadata: ["job_id": "\(id)"])
            }
        }
    }
}

private struct QuarantinedFile: Sendable {
    var id: Int64
}
