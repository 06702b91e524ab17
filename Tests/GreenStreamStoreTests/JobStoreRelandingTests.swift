import GreenStreamCore
import Testing

@testable import GreenStreamStore

/// R-J-2 with re-uploads: (name, SHA-256) finds its latest job until the caller says the file landed again.
struct JobStoreRelandingTests {
    @Test("R-J-2 jobCreate returns the ended job of a pair unless relanding, which creates a duplicate")
    func relandingAnEndedPairCreatesADuplicate() throws {
        let db = try TestDatabase()
        let job = try db.makeRunningJob("r.csv")
        let committed = try db.hot.commit(HotCommitParams(lease: job.lease, readings: ReadingBatch()))
        guard case .committed = committed else { throw StoreError.corruptRow("commit: \(committed)") }
        let params = JobCreateParams(fileName: "r.csv", sha256: TestDatabase.sha("r.csv"), sizeBytes: 100)
        let found = try db.jobs.jobCreate(params)
        #expect(!found.created && found.job.id == job.id && found.job.state == .succeeded)
        let again = try db.jobs.jobCreate(params, relanding: true)
        #expect(again.created && again.job.id > job.id)
        #expect(again.job.state == .duplicate && again.job.duplicateOf == job.id)
        // The pair's latest job is now the duplicate; relanding a job that has not ended returns it.
        #expect(try db.jobs.jobCreate(params).job.id == again.job.id)
        let pending = try db.jobs.jobCreate(JobCreateParams(fileName: "p.csv", sha256: TestDatabase.sha("p.csv"), sizeBytes: 1))
        #expect(try db.jobs.jobCreate(
            JobCreateParams(fileName: "p.csv", sha256: TestDatabase.sha("p.csv"), sizeBytes: 1), relanding: true).job.id
            == pending.job.id)
    }
}
