// Landing (R-J-1, R-J-2, R-H-1): one task takes inotify events, rescans and `gsctl ingest` requests in
// order, hashes each new file on the file threads and creates its job, so job ids follow landing order.
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore

/// Work for the landing task.
enum LandingRequest: Sendable {
    case event(LandingEvent)
    /// `gsctl ingest`: the file was just landed under this name; answer with its job.
    case ingested(String, CheckedContinuation<Job?, Never>)
}

extension Coordinator {
    /// The landing task: the only code that creates jobs for landed files.
    func landingLoop(known initial: [String: KnownLanding]) async {
        var known = initial
        for await request in landingInbox {
            switch request {
            case .event(.landed(let name)): _ = await land(name, known: &known)
            case .event(.rescan): await scanLanding(&known)
            case .ingested(let name, let reply):
                var job = await land(name, known: &known)
                // Its inotify event came first: the job exists, and may already have moved the file.
                if job == nil, let id = known[name]?.jobID { job = try? await jobs.jobShow(id: id)?.job }
                reply.resume(returning: job)
            }
        }
    }

    /// Lists `landing/` (oldest landing first) and gives every file not yet seen its job.
    func scanLanding(_ known: inout [String: KnownLanding]) async {
        let entries: [LandingEntry]
        do { entries = try await files.run { [zones] in try zones.landingEntries() } } catch {
            logger.error("cannot list landing", metadata: ["error": "\(error)"])
            return
        }
        let present = Set(entries.map(\.name))
        known = known.filter { present.contains($0.key) }
        for entry in entries where known[entry.name]?.entry != entry { _ = await land(entry.name, known: &known) }
    }

    /// Hashes a landed file and creates (or finds) its job, then does what the lifecycle says.
    /// - Returns: the job, or nil when the name is ignored or refused or the file is gone.
    func land(_ name: String, known: inout [String: KnownLanding]) async -> Job? {
        guard !Zones.isIgnored(name) else { return nil }
        guard Zones.isSafe(name) else {
            if known[name] == nil { logger.warning("landed file refused: unsafe name", metadata: ["file": "\(name)"]) }
            known[name] = KnownLanding(entry: LandingEntry(name: name, size: -1, inode: 0, ctimeNanos: 0), jobID: nil)
            return nil
        }
        let zones = self.zones
        let seen = known[name]
        let hashed: (entry: LandingEntry, sha256: [UInt8], size: Int64)?
        do {
            hashed = try await files.run { () -> HashedLanding? in
                guard let before = zones.entry(name) else { return nil }
                // Already has its job (a second event for the same landing, or a rescan): no hashing.
                if let seen, seen.entry == before { return HashedLanding(entry: before, sha256: [], size: before.size) }
                let digest = try zones.digest(path: zones.landing + "/" + name)
                // Replaced while we read it: the next event (or rescan) sees the new file.
                guard let after = zones.entry(name), after == before, after.size == digest.size else { return nil }
                return HashedLanding(entry: after, sha256: digest.sha256, size: digest.size)
            }.map { ($0.entry, $0.sha256, $0.size) }
        } catch {
            logger.error("cannot hash landed file", metadata: ["file": "\(name)", "error": "\(error)"])
            return nil
        }
        guard let hashed else { return nil }
        if let seen, seen.entry == hashed.entry {
            guard let id = seen.jobID else { return nil }
            return try? await jobs.jobShow(id: id)?.job
        }
        var created: (job: Job, created: Bool)
        do {
            let params = JobCreateParams(fileName: name, sha256: hashed.sha256, sizeBytes: hashed.size)
            created = try await jobs.jobCreate(params)
            // The same name and content again, after that job ended and its raw file left landing/: a
            // re-upload, which is a new landing (R-J-2: `duplicate` when that content succeeded).
            let ended = created.job
            if !created.created, ended.state.isTerminal,
                try await files.run({ zones.rawFileHasLeftLanding(of: ended) })
            {
                created = try await jobs.jobCreate(params, relanding: true)
            }
        } catch {
            logger.error("cannot create job", metadata: ["file": "\(name)", "error": "\(error)"])
            return nil
        }
        let job = created.job
        known[name] = KnownLanding(entry: hashed.entry, jobID: job.id)
        var lifecycle = JobLifecycle()
        let action = lifecycle.landedReceived(job: job, created: created.created)
        if created.created {
            metrics.jobsCreated.increment()
            if job.state == .duplicate { metrics.jobsDuplicate.increment() }
            logger.info(
                job.state == .duplicate ? "job duplicate" : "job created",
                metadata: [
                    "job_id": "\(job.id)", "file": "\(name)", "state": "\(job.state.rawValue)",
                    "bytes": "\(hashed.size)",
                ].merging(job.duplicateOf.map { ["duplicate_of": "\($0)"] } ?? [:]) { a, _ in a })
        }
        await perform(action, jobID: job.id)
        return job
    }
}

/// A landing the landing task has already given its job.
struct KnownLanding: Sendable, Equatable {
    var entry: LandingEntry
    var jobID: Int64?
}

private struct HashedLanding: Sendable {
    var entry: LandingEntry
    var sha256: [UInt8]
    var size: Int64
}
