import Foundation

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
}
