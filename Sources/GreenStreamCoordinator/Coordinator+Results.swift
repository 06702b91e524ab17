// Reported results (R-J-3, R-J-4, R-H-3): parts are assembled per (job, attempt); a result of a
// stale attempt is refused before anything is written; a complete success runs the CommitSequence.
import Foundation
import GreenStreamArchive
import GreenStreamCore
import GreenStreamRPC
import GreenStreamStore
import Logging

extension Coordinator {
    func report(_ request: ReportResultRequest) async throws -> ReportResultReply {
        let lease = request.job
        let meta: Logger.Metadata = [
            "job_id": "\(lease.jobID)", "attempt": "\(lease.attempt)", "worker": "\(request.workerID)",
        ]
        guard let job = try await jobs.jobShow(id: lease.jobID)?.job else {
            throw RPCError(.notFound, "no job \(lease.jobID)")
        }
        var lifecycle = JobLifecycle(job: job)
        switch request.outcome {
        case .failure(let failure):
            let action = lifecycle.failureReceived(lease, kind: failure.kind, reason: failure.reason)
            guard case .recordFailure = action else { return try refuse(lease, job: job, meta: meta) }
            let outcome = try await jobs.jobRecordFailure(lease, error: failure.reason, kind: failure.kind)
            if outcome == .fenced { return try refuse(lease, job: job, meta: meta) }
            logger.warning(
                "attempt failed",
                metadata: meta.merging([
                    "reason": "\(failure.reason)", "kind": "\(failure.kind)", "file": "\(job.fileName)",
                ]) { a, _ in a })
            await performFailure(&lifecycle, outcome, reason: failure.reason, jobID: lease.jobID)
            if case .retrying = outcome { return ReportResultReply(jobState: .retrying) }
            return ReportResultReply(jobState: .quarantined)
        case .success:
            guard case .runCommitSequence = lifecycle.resultReceived(lease) else {
                runtime.withLock { _ = $0.assemblers.removeValue(forKey: lease) }
                return try refuse(lease, job: job, meta: meta)
            }
            let whole: JobSuccess?
            do {
                whole = try runtime.withLock { state -> JobSuccess? in
                    var assembler = state.assemblers[lease] ?? ResultAssembler(first: request)
                    let done = try assembler.add(request)
                    state.assemblers[lease] = done == nil ? assembler : nil
                    return done
                }
            } catch {
                runtime.withLock { _ = $0.assemblers.removeValue(forKey: lease) }
                throw RPCError(.invalidRequest, "\(error)")
            }
            guard let whole else { return ReportResultReply(jobState: .running) }
            // The same attempt's result twice at once (a worker that resent under a new request id):
            // one commit sequence runs, the other answers RUNNING; a later copy is refused as stale.
            let first = runtime.withLock { $0.committing.insert(lease).inserted }
            guard first else { return ReportResultReply(jobState: .running) }
            defer { runtime.withLock { _ = $0.committing.remove(lease) } }
            let outcome = await commit(whole, of: job, lease: lease, worker: request.workerID)
            _ = lifecycle.commitEnded(outcome)
            switch outcome {
            case .committed: return ReportResultReply(jobState: .succeeded)
            case .duplicate: return ReportResultReply(jobState: .duplicate)
            case .fenced: return try refuse(lease, job: job, meta: meta)
            case .failed:
                let state = (try? await jobs.jobShow(id: lease.jobID))??.job.state ?? .retrying
                return ReportResultReply(jobState: state)
            }
        }
    }

    /// R-J-4: the result of an attempt that is not the job's current one changes nothing.
    private func refuse(_ lease: JobLease, job: Job, meta: Logger.Metadata) throws -> ReportResultReply {
        logger.warning(
            "result refused: stale attempt",
            metadata: meta.merging(["current_attempt": "\(job.attempt)", "state": "\(job.state.rawValue)"]) { a, _ in a
            })
        throw RPCError(
            .staleAttempt,
            "job \(lease.jobID) attempt \(lease.attempt) is not current (attempt \(job.attempt), \(job.state.rawValue))"
        )
    }

    /// Runs the commit sequence of one complete result, performing each action of the machine. Once the
    /// hot store has committed, the caller gets `.committed` at once (the worker's reply need not wait
    /// for the file steps) and the remaining steps run on behind it; shutdown waits for them, and a
    /// crash leaves them to reconciliation.
    func commit(_ success: JobSuccess, of job: Job, lease: JobLease, worker: String) async -> CommitSequence.Outcome {
        runtime.withLock { $0.commitsInFlight += 1 }
        defer { runtime.withLock { $0.commitsInFlight -= 1 } }
        var sequence = CommitSequence()
        let first = sequence.resultReceived()
        return await drive(sequence, first, success, of: job, lease: lease, worker: worker, answerWhenCommitted: true)
    }

    /// The executor: performs `action` and every one after it until the sequence ends (or, with
    /// `answerWhenCommitted`, until the hot store has committed).
    private func drive(
        _ sequence: CommitSequence, _ action: CommitSequence.Action, _ success: JobSuccess, of job: Job,
        lease: JobLease, worker: String, answerWhenCommitted: Bool
    ) async -> CommitSequence.Outcome {
        var sequence = sequence
        var action = action
        let meta: Logger.Metadata = [
            "job_id": "\(lease.jobID)", "attempt": "\(lease.attempt)", "worker": "\(worker)", "file": "\(job.fileName)",
        ]
        let archive = self.archive
        let zones = self.zones
        var pause = Duration.milliseconds(100)
        var failures = 0
        while true {
            switch action {
            case .stage:
                do {
                    try await files.run {
                        let files = try success.archiveFiles.map { part -> ArchiveFile in
                            guard part.isWhole, let date = UTCDate(part.utcDate) else {
                                throw CoordinatorError.badResult("archive file for \(part.utcDate) is not whole")
                            }
                            return ArchiveFile(date: date, rowCount: 0, bytes: part.parquet)
                        }
                        try archive.stage(lease: lease, files: files)
                        let csv = success.rejects.isEmpty ? nil : TransformOutput(rejects: success.rejects).rejectsCSV()
                        try zones.stageRejects(lease, csv: csv)
                    }
                    action = sequence.stageSucceeded()
                } catch {
                    logger.error("staging failed", metadata: meta.merging(["error": "\(error)"]) { a, _ in a })
                    action = sequence.stageFailed(reason: "\(error)")
                }
            case .commitHotStore:
                let outcome: CommitSequence.HotOutcome
                do {
                    let started = ContinuousClock.now
                    let result = try await hot.commit(
                        HotCommitParams(lease: lease, readings: success.readings, rejectCounts: success.rejectCounts))
                    metrics.commitDuration.recordNanoseconds((ContinuousClock.now - started).nanoseconds)
                    // Counted when the job's state changed (in this transaction), not when the file
                    // steps behind it end, so a scrape agrees with the job table as soon as it can.
                    switch result {
                    case .committed:
                        metrics.jobCommitted(success, job: job)
                        outcome = .committed
                    case .duplicate(let original):
                        metrics.jobsDuplicate.increment()
                        outcome = .duplicate(of: original)
                    case .fenced: outcome = .fenced
                    case .unknown: outcome = .unknown(reason: "the COMMIT's outcome was lost with its connection")
                    }
                } catch {
                    // The store resolves a lost COMMIT itself when it can (.unknown otherwise), so an
                    // error here means nothing was committed: a sink error (R-J-3).
                    logger.error("hot commit failed", metadata: meta.merging(["error": "\(error)"]) { a, _ in a })
                    outcome = .failed(reason: "\(error)")
                }
                action = sequence.commitReturned(outcome)
            case .resolveCommitOutcome:
                do {
                    let resolved = try await hot.resolveCommitOutcome(lease: lease)
                    let current = try await jobs.jobShow(id: lease.jobID)?.job
                    logger.warning("commit outcome resolved", metadata: meta.merging(["resolved": "\(resolved)"]) { a, _ in a })
                    let resolution = Self.resolution(resolved, of: lease, job: current)
                    switch resolution {
                    case .committed: metrics.jobCommitted(success, job: job)
                    case .duplicate: metrics.jobsDuplicate.increment()
                    default: break
                    }
                    action = sequence.commitResolved(resolution)
                } catch {
                    logger.error("cannot resolve the commit's outcome yet", metadata: meta.merging(["error": "\(error)"]) { a, _ in a })
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(5))
                    action = sequence.resolveFailed()
                }
            case .publishArchive, .publishRejects, .moveRawToProcessed, .finalizeArchive, .discardStaging:
                if answerWhenCommitted, sequence.outcomeIfAbandoned == .committed {
                    runtime.withLock { $0.commitsInFlight += 1 }
                    let (rest, next) = (sequence, action)
                    Task {
                        _ = await self.drive(
                            rest, next, success, of: job, lease: lease, worker: worker, answerWhenCommitted: false)
                        self.runtime.withLock { $0.commitsInFlight -= 1 }
                    }
                    return .committed
                }
                let step = action
                do {
                    try await files.run {
                        switch step {
                        case .publishArchive: try archive.publish(lease)
                        case .publishRejects: try zones.publishRejects(lease)
                        case .moveRawToProcessed: try zones.moveRawToProcessed(job)
                        case .finalizeArchive: try archive.finalize(lease)
                        default:
                            try archive.discard(lease)
                            try zones.discardRejects(lease)
                        }
                    }
                    action = sequence.stepSucceeded()
                } catch {
                    logger.error(
                        "commit step failed",
                        metadata: meta.merging(["step": "\(step)", "error": "\(error)", "failures": "\(failures + 1)"]) { a, _ in a })
                    failures += 1
                    if failures >= Self.maxStepFailures, let outcome = sequence.outcomeIfAbandoned {
                        // The hot store has decided; what is left is finished (or undone) by the next
                        // start's reconciliation, which finds the attempt's staging.
                        logger.critical(
                            "commit step keeps failing; left for restart reconciliation",
                            metadata: meta.merging(["step": "\(step)"]) { a, _ in a })
                        return outcome
                    }
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(5))
                    action = sequence.stepFailed()
                }
            case .recordSinkFailure(let reason):
                do {
                    let outcome = try await jobs.jobRecordFailure(lease, error: reason, kind: .retryable)
                    var lifecycle = JobLifecycle(state: .running, current: lease)
                    await performFailure(&lifecycle, outcome, reason: reason, jobID: lease.jobID)
                    action = sequence.stepSucceeded()
                } catch {
                    logger.error("cannot record the sink failure", metadata: meta.merging(["error": "\(error)"]) { a, _ in a })
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(5))
                    action = sequence.stepFailed()
                }
            case .done(let outcome):
                switch outcome {
                case .committed:
                    logger.info(
                        "job committed",
                        metadata: meta.merging([
                            "readings": "\(success.readings.count)", "rejects": "\(success.rejects.count)",
                            "archive_files": "\(success.archiveFiles.count)",
                        ]) { a, _ in a })
                case .duplicate(let original):
                    logger.info("job duplicate", metadata: meta.merging(["duplicate_of": "\(original)"]) { a, _ in a })
                case .fenced: break
                case .failed(let reason):
                    logger.warning("attempt failed", metadata: meta.merging(["reason": "\(reason)"]) { a, _ in a })
                }
                return outcome
            }
        }
    }

    /// Failures of one file step after which the sequence stops retrying (about a minute of backoff).
    static let maxStepFailures = 20

    /// The store's answer about a lost COMMIT of `lease`, with the job row read after it (whether the
    /// attempt is still current decides if a failure is to be recorded).
    static func resolution(_ resolved: HotCommitResolution, of lease: JobLease, job: Job?) -> CommitSequence.Resolution
    {
        switch resolved {
        case .committed(.duplicate): return .duplicate(of: job?.duplicateOf ?? 0)
        case .committed: return .committed
        case .notCommitted:
            guard let job, job.attempt == lease.attempt, job.state == .running else { return .notCurrent }
            return .notCommitted
        }
    }
}
