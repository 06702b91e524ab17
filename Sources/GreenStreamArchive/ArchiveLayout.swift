// Where archive files live under the data directory (R-J-1 zones, R-P-1 paths):
//   archive/readings/date=YYYY-MM-DD/part-<job_id>.parquet                    published, read by data scientists
//   archive/.staging/job-<job_id>-a<attempt>/date=YYYY-MM-DD/part-<job_id>.parquet   staged, not yet published
//   archive/.staging/job-<job_id>-a<attempt>/MANIFEST                         the staged dates; written last
//   archive/.staging/.lock                                                    serialises publish and discard
// Staging is per attempt (R-J-4): attempts of one job never share a staging directory. The published
// path is per job (R-P-1: re-running a job rewrites the same paths); which attempt a published file
// belongs to is written in its footer (ArchiveSchema.attemptKey). The staging area sits outside
// archive/readings and starts with a dot, so dataset readers of the archive never see it.
import GreenStreamCore

/// Paths of the cold archive under one data directory.
public struct ArchiveLayout: Sendable, Equatable {
    /// The data directory that holds the `archive/` zone.
    public let dataDirectory: String

    /// Creates the layout for a data directory.
    public init(dataDirectory: String) {
        var trimmed = dataDirectory
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.dataDirectory = trimmed
    }

    /// `archive/readings`: the Hive-partitioned dataset root.
    public var readingsDirectory: String { dataDirectory + "/archive/readings" }

    /// `archive/.staging`: staged attempts.
    public var stagingRoot: String { dataDirectory + "/archive/.staging" }

    /// The lock file that serialises publishing and discarding (in this process and across processes).
    public var lockFile: String { stagingRoot + "/.lock" }

    /// The published directory of one date: `archive/readings/date=YYYY-MM-DD`.
    public func partitionDirectory(_ date: UTCDate) -> String { readingsDirectory + "/date=\(date)" }

    /// The published file of a job and date (R-P-1); every attempt of the job publishes here.
    public func publishedFile(jobID: Int64, date: UTCDate) -> String {
        partitionDirectory(date) + "/" + fileName(jobID: jobID)
    }

    /// The staging directory of one attempt: `archive/.staging/job-<id>-a<attempt>`.
    public func stagingDirectory(_ lease: JobLease) -> String {
        stagingRoot + "/job-\(lease.jobID)-a\(lease.attempt)"
    }

    /// The staged file of an attempt and date.
    public func stagedFile(_ lease: JobLease, date: UTCDate) -> String {
        stagingDirectory(lease) + "/date=\(date)/" + fileName(jobID: lease.jobID)
    }

    /// The manifest that marks an attempt's staging as complete.
    public func manifest(_ lease: JobLease) -> String { stagingDirectory(lease) + "/MANIFEST" }

    /// `part-<job_id>.parquet`.
    public func fileName(jobID: Int64) -> String { "part-\(jobID).parquet" }

    /// The attempt of a staging directory name `job-<id>-a<attempt>`, or nil for other names.
    func lease(stagingName name: String) -> JobLease? {
        guard name.hasPrefix("job-"), let dash = name.lastIndex(of: "-"), dash > name.index(name.startIndex, offsetBy: 3),
            let id = Int64(name[name.index(name.startIndex, offsetBy: 4)..<dash]),
            name[name.index(after: dash)...].hasPrefix("a"),
            let attempt = Int32(name[name.index(dash, offsetBy: 2)...]), id > 0, attempt > 0
        else { return nil }
        let lease = JobLease(jobID: id, attempt: attempt)
        return "job-\(id)-a\(attempt)" == name ? lease : nil
    }
}
