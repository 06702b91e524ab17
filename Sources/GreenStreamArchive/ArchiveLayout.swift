// Where archive files live under the data directory (R-J-1 zones, R-P-1 paths):
//   archive/readings/date=YYYY-MM-DD/part-<job_id>.parquet        published, read by data scientists
//   archive/.staging/job-<job_id>/date=YYYY-MM-DD/part-<job_id>.parquet   staged, not yet published
//   archive/.staging/job-<job_id>/MANIFEST                          the staged dates; written last
// The staging area sits outside archive/readings and starts with a dot, so dataset readers of the
// archive never see it.

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

    /// `archive/.staging`: staged jobs.
    public var stagingRoot: String { dataDirectory + "/archive/.staging" }

    /// The published directory of one date: `archive/readings/date=YYYY-MM-DD`.
    public func partitionDirectory(_ date: UTCDate) -> String { readingsDirectory + "/date=\(date)" }

    /// The published file of a job and date (R-P-1).
    public func publishedFile(jobID: Int64, date: UTCDate) -> String {
        partitionDirectory(date) + "/" + fileName(jobID: jobID)
    }

    /// The staging directory of one job.
    public func stagingDirectory(jobID: Int64) -> String { stagingRoot + "/job-\(jobID)" }

    /// The staged file of a job and date.
    public func stagedFile(jobID: Int64, date: UTCDate) -> String {
        stagingDirectory(jobID: jobID) + "/date=\(date)/" + fileName(jobID: jobID)
    }

    /// The manifest that marks a job's staging as complete.
    public func manifest(jobID: Int64) -> String { stagingDirectory(jobID: jobID) + "/MANIFEST" }

    /// `part-<job_id>.parquet`.
    public func fileName(jobID: Int64) -> String { "part-\(jobID).parquet" }

    /// The job id of a staging directory name `job-<id>`, or nil for other names.
    func jobID(stagingName name: String) -> Int64? {
        guard name.hasPrefix("job-"), let id = Int64(name.dropFirst(4)), id > 0, "job-\(id)" == name else { return nil }
        return id
    }
}
