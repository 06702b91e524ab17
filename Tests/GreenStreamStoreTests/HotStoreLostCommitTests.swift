import Foundation
import GreenStreamArchive
import GreenStreamCore
import Postgres
import Testing

@testable import GreenStreamStore

#if canImport(Glibc)
    import Glibc
#endif

/// R-H-3 / R-J-7: a connection that dies during COMMIT leaves an unknown outcome, which the hot
/// store resolves from the database; the archive follows the answer, so archive files exist
/// exactly when the readings do.
///
/// The commit is held at COMMIT by a deferred constraint trigger that waits for an advisory
/// lock the test holds (a wait the test can end, unlike a fixed pg_sleep), and the test watches
/// pg_stat_activity for the backend waiting there. Then either the backend is terminated
/// before its commit record (not committed), or the client's socket is shut down and the lock
/// released, so the server commits while the client has lost the reply (committed).
@Suite struct HotStoreLostCommitTests {
    /// A schema with the commit-holding trigger, a store whose connections carry a name to find
    /// them by, a control connection holding the lock, and an archive directory.
    final class Rig: @unchecked Sendable {
        let db: TestDatabase
        let applicationName = "lostcommit_" + UUID().uuidString.prefix(8).lowercased()
        let lockKey = Int64.random(in: 1...Int64(Int32.max))
        let hot: HotStore
        /// The same store, but its resolution cannot reach the server (a closed port).
        let cutOff: HotStore
        let control: PostgresConnection
        let archiveDirectory: String
        let archive: ArchiveWriter

        init() throws {
            let db = try TestDatabase()
            self.db = db
            let name = applicationName
            let lockKey = self.lockKey
            let pool = ConnectionPool(
                url: TestDatabase.url(db.baseURL, searchPath: db.schema, applicationName: name),
                maxConnections: 2, reconnectSeconds: 5)
            hot = HotStore(pool: pool)
            cutOff = HotStore(pool: pool, resolveURL: "postgresql://postgres@127.0.0.1:1/greenstream?connect_timeout=2")
            try db.pool.withConnection { c in
                try c.execute(
                    unsafeSQL: """
                        CREATE FUNCTION test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            PERFORM pg_advisory_xact_lock(TG_ARGV[0]::bigint);
                            RETURN NULL;
                        END $$;
                        CREATE CONSTRAINT TRIGGER test_hold_commit AFTER UPDATE ON jobs
                            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.state = 'succeeded')
                            EXECUTE FUNCTION test_hold_commit('\(lockKey)');
                        """)
            }
            control = try PostgresConnection.connect(url: db.baseURL)
            try control.query("SELECT pg_advisory_lock($1)", [.int(lockKey)])
            archiveDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            archive = ArchiveWriter(dataDirectory: archiveDirectory)
        }

        deinit {
            _ = try? control.query("SELECT pg_advisory_unlock_all()")
            try? FileManager.default.removeItem(atPath: archiveDirectory)
        }

        /// The committing backend once it waits inside COMMIT: its pid and client-side TCP port.
        func waitForHeldCommit(_ commit: Background<HotCommitResult>) throws -> (pid: Int64, clientPort: Int) {
            for _ in 0..<3000 where !commit.isFinished {
                let rows = try control.query(
                    """
                    SELECT pid, client_port FROM pg_stat_activity
                    WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                      AND query = 'COMMIT'
                    """, [.text(applicationName)]
                ).allRows
                if let row = rows.first { return (try row.int("pid"), Int(try row.int("client_port"))) }
                Thread.sleep(forTimeInterval: 0.01)  // polling pg_stat_activity: the signal itself
            }
            throw StoreError.invalidParameter("the commit never waited inside COMMIT: \(commit.wait())")
        }

        /// The coordinator's side of R-P-1 after the commit: finalize on a commit, discard otherwise.
        func settleArchive(lease: JobLease, committed: Bool) throws {
            if committed {
                try archive.finalize(lease)
            } else {
                try archive.discard(lease)
            }
        }

        func publishedFiles() -> [String] {
            let root = archive.layout.readingsDirectory
            guard let dates = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
            return dates.flatMap { d in
                ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + d)) ?? []).map { d + "/" + $0 }
            }
        }
    }

    /// Runs `body` on its own thread; `wait()` returns its result.
    final class Background<T: Sendable>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<T, any Error>?

        private let lock = NSLock()

        init(_ body: @escaping @Sendable () throws -> T) {
            Thread.detachNewThread {
                let r = Result { try body() }
                self.lock.withLock { self.result = r }
                self.done.signal()
            }
        }

        var isFinished: Bool { lock.withLock { result != nil } }

        func wait() -> Result<T, any Error> {
            done.wait()
            done.signal()  // later calls return at once
            return lock.withLock { result! }
        }
    }

    /// Shuts down (does not close: libpq still owns it) this process's TCP socket whose local
    /// port is `port`, so the client sees its connection die while the server carries on.
    static func shutDownClientSocket(localPort port: Int) -> Bool {
        for fd in Int32(0)..<4096 {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0, address.sin_family == sa_family_t(AF_INET),
                Int(UInt16(bigEndian: address.sin_port)) == port
            else { continue }
            return shutdown(fd, Int32(SHUT_RDWR)) == 0
        }
        return false
    }

    static func stageAndPublish(_ rig: Rig, _ job: Job) throws -> ReadingBatch {
        let batch = makeBatch(meters: 1...20, slots: 0..<96) { meter, slot in Double(meter) / 3 + Double(slot) * 0.1 }
        let source = try ArchiveSource(fileName: job.fileName, sha256: String(repeating: "ab", count: 32))
        // R-P-1: stage and publish before the hot commit; finalize or discard after it.
        try rig.archive.stage(lease: job.lease, batch: batch, source: source)
        try rig.archive.publish(job.lease)
        return batch
    }

    @Test("R-H-3 R-J-7 a backend killed inside COMMIT resolves to not committed; the archive is discarded")
    func killedInsideCommitIsNotCommitted() throws {
        let rig = try Rig()
        let job = try rig.db.makeRunningJob("held.csv")
        let batch = try Self.stageAndPublish(rig, job)
        let hot = rig.hot
        let commit = Background { try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) }
        let held = try rig.waitForHeldCommit(commit)
        try rig.control.query("SELECT pg_terminate_backend($1)", [.int(held.pid)])
        let result = commit.wait()
        guard case .failure(let error as PostgresError) = result else {
            Issue.record("expected the connection error of an attempt that did not commit, got \(result)")
            return
        }
        #expect(error.isCommitOutcomeUnknown, "\(error)")
        #expect(try hot.resolveCommitOutcome(lease: job.lease) == .notCommitted)
        try rig.settleArchive(lease: job.lease, committed: false)

        #expect(try rig.db.int("SELECT count(*) FROM readings") == 0)
        #expect(try rig.db.int("SELECT count(*) FROM meter_hourly") == 0)
        let shown = try #require(try rig.db.jobs.jobShow(id: job.id))
        #expect(shown.job.state == .running && shown.job.attempt == 1)
        #expect(shown.attempts.map(\.outcome) == [nil])
        #expect(rig.publishedFiles().isEmpty)
        #expect(try rig.archive.stagedAttempts().isEmpty)
    }

    @Test("R-H-3 R-J-7 a commit whose reply is lost resolves to committed; the archive is published")
    func lostReplyAfterCommitIsCommitted() throws {
        let rig = try Rig()
        let job = try rig.db.makeRunningJob("held.csv")
        let batch = try Self.stageAndPublish(rig, job)
        let hot = rig.hot
        let commit = Background { try hot.commit(HotCommitParams(lease: job.lease, readings: batch)) }
        let held = try rig.waitForHeldCommit(commit)
        // The client loses its connection while the server still holds the COMMIT; then the
        // server is let go and commits, with nobody left to hear the reply.
        #expect(Self.shutDownClientSocket(localPort: held.clientPort))
        try rig.control.query("SELECT pg_advisory_unlock($1)", [.int(rig.lockKey)])
        let result = commit.wait()
        #expect(
            (try? result.get())
                == .committed(HotCommitStats(inserted: batch.count, replaced: 0, keptNewer: 0, transactionRuns: 1)),
            "\(result)")
        #expect(try hot.resolveCommitOutcome(lease: job.lease) == .committed(.succeeded))
        try rig.settleArchive(lease: job.lease, committed: true)

        #expect(try rig.db.int("SELECT count(*) FROM readings") == Int64(batch.count))
        #expect(try HotStoreTests.rollupMismatches(rig.db, zone: "UTC") == 0)
        let shown = try #require(try rig.db.jobs.jobShow(id: job.id))
        #expect(shown.job.state == .succeeded && shown.attempts.map(\.outcome) == ["succeeded"])
        #expect(rig.publishedFiles() == ["date=2026-01-01/part-\(job.id).parquet"])
        #expect(try rig.archive.stagedAttempts().isEmpty)
    }

    @Test("R-H-3 R-J-7 a lost reply with the server out of reach is unknown; resolving later finds the commit")
    func lostReplyWithoutTheServerIsUnknown() throws {
        let rig = try Rig()
        let job = try rig.db.makeRunningJob("held.csv")
        let batch = try Self.stageAndPublish(rig, job)
        let cutOff = rig.cutOff
        let commit = Background { try cutOff.commit(HotCommitParams(lease: job.lease, readings: batch)) }
        let held = try rig.waitForHeldCommit(commit)
        #expect(Self.shutDownClientSocket(localPort: held.clientPort))
        try rig.control.query("SELECT pg_advisory_unlock($1)", [.int(rig.lockKey)])
        let result = commit.wait()
        #expect((try? result.get()) == .unknown, "\(result)")
        // The coordinator records nothing and keeps the files until the outcome is known.
        #expect(rig.publishedFiles() == ["date=2026-01-01/part-\(job.id).parquet"])
        let resolved = try rig.hot.resolveCommitOutcome(lease: job.lease)
        #expect(resolved == .committed(.succeeded))
        try rig.settleArchive(lease: job.lease, committed: resolved != .notCommitted)
        #expect(try rig.db.int("SELECT count(*) FROM readings") == Int64(batch.count))
        #expect(rig.publishedFiles() == ["date=2026-01-01/part-\(job.id).parquet"])
        #expect(try rig.archive.stagedAttempts().isEmpty)
    }
}
