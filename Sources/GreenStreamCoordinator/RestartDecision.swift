// R-J-7: what start-up reconciliation does with each thing it finds in the zones, given the job row.
// Pure: the executor (Coordinator+Reconcile.swift) lists the zones, reads the jobs and performs these.
import GreenStreamCore
import GreenStreamStore

/// Start-up decisions, one per thing found in the zones (R-J-7).
public enum RestartDecision {
    /// What to do with an attempt's staging (archive files under `archive/.staging/job-<id>-a<n>/`
    /// and its rejects CSV staged under `quarantine/rejects/.staging/`).
    public enum Staged: Sendable, Equatable {
        /// The attempt committed: publish, write the rejects CSV, move the raw file, finalize.
        case finish
        /// It did not commit (or the job is unknown): discard it.
        case undo
    }

    /// What to do with a raw file found in `landing/` (or in `quarantine/` after a retry), whose job is known.
    public enum RawFile: Sendable, Equatable {
        /// Its job has not ended: leave it where it is; the job runs.
        case keep
        /// Its job succeeded or was a duplicate: move it to `processed/<job_id>-<name>`.
        case moveToProcessed
        /// Its job is quarantined: move it to `quarantine/<job_id>-<name>` beside its JSON record.
        case moveToQuarantine
    }

    /// A staged attempt is finished when it is the job's succeeded attempt, else undone. A duplicate
    /// job committed nothing of its own, so its staging is undone too.
    public static func staged(_ lease: JobLease, job: Job?) -> Staged {
        guard let job, job.state == .succeeded, job.attempt == lease.attempt else { return .undo }
        return .finish
    }

    /// Where a raw file belongs, given its job's state.
    public static func rawFile(jobState: JobState) -> RawFile {
        switch jobState {
        case .pending, .running, .retrying: .keep
        case .succeeded, .duplicate: .moveToProcessed
        case .quarantined: .moveToQuarantine
        }
    }
}
