import Foundation
import GreenStreamRPC
import Synchronization

/// Runs blocking work (file reads, the transform, Parquet encoding) on a thread of its own, so
/// it never occupies one of Swift's few cooperative task threads: heartbeats, polls and reports
/// keep running on those while a 256 MiB file is transformed (2 cores here).
enum OffPoolThread {
    /// Stack for job threads: the transform keeps its state on the heap, 8 MiB is ample.
    static let stackSize = 8 << 20

    /// Runs `body` on a new thread and returns its result. Cancelling the calling task does not
    /// stop `body` (the transform cannot be interrupted); the caller drops the result instead.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }
    }

    /// Closes `client` on a thread of its own and waits at most `bound`: NNG 1.5.2's close can hang
    /// while a late reply is still arriving (docs/DECISIONS.md), and a shutdown must stay bounded.
    /// - Returns: whether the close finished in time (if not, the thread is left behind).
    static func close(_ client: RPCClient, within bound: Duration) async -> Bool {
        let flag = OnceFlag()
        let claim: @Sendable () -> Bool = { flag.claim() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Thread {
                client.close()
                if claim() { continuation.resume(returning: true) }
            }.start()
            Task {
                try? await Task.sleep(for: bound)
                if claim() { continuation.resume(returning: false) }
            }
        }
    }
}

extension OffPoolThread {
    /// Waits until every task has finished, or `bound` has passed.
    /// - Returns: whether they all finished in time (the tasks are not cancelled either way).
    static func wait(for tasks: [Task<Void, Never>], within bound: Duration) async -> Bool {
        let flag = OnceFlag()
        let claim: @Sendable () -> Bool = { flag.claim() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Task {
                for task in tasks { await task.value }
                if claim() { continuation.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: bound)
                if claim() { continuation.resume(returning: false) }
            }
        }
    }
}

/// True for the first caller of ``claim()`` only: lets two racers resume one continuation once.
final class OnceFlag: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { was in
            defer { was = true }
            return !was
        }
    }
}
