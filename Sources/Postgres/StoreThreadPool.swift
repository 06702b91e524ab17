import Foundation

/// A small pool of dedicated threads for blocking work: libpq calls, connect retries that sleep,
/// waiting for a free connection.
///
/// Swift's cooperative pool has one thread per core; a libpq call that waits on the server for
/// a second holds one of them for that second, so on two cores two large commits would stall
/// every other task, RPC heartbeat handlers included. ``run(_:)`` instead parks the calling task
/// (a continuation, no thread held) and does the work on one of these threads. They are plain
/// `Thread`s, not Dispatch's global queues, whose threads are shared with everything else and
/// grow without bound when they block.
///
/// Threads start on demand, up to `threadCount`, and stay until ``shutdown()``.
public final class StoreThreadPool: @unchecked Sendable {
    /// The most threads this pool runs.
    public let threadCount: Int
    /// Added to each thread's nice value (Linux): > 0 lets these threads yield the CPU to others.
    public let niceIncrement: Int32
    private let name: String
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var head = 0
    private var started = 0
    private var idleThreads = 0
    private var stopping = false

    /// - Parameters:
    ///   - threadCount: at least 1; a ``ConnectionPool`` uses one per connection, so a body that
    ///     waits for a connection only ever parks one of these threads.
    ///   - name: thread name prefix, shown by debuggers and `top -H`.
    ///   - niceIncrement: raises the threads' nice value (lower CPU priority) on Linux, for bulk
    ///     work that should give way to latency-sensitive threads. 0 leaves it alone.
    public init(threadCount: Int, name: String = "greenstream.store", niceIncrement: Int32 = 0) {
        precondition(threadCount >= 1, "a thread pool needs at least one thread")
        self.threadCount = threadCount
        self.name = name
        self.niceIncrement = niceIncrement
    }

    deinit { shutdown() }

    /// Runs `body` on one of the pool's threads and resumes the caller with its result. The
    /// calling task holds no thread while it waits. Work is taken in submission order.
    ///
    /// Cancelling the calling task does not stop `body`: a libpq call cannot be abandoned
    /// half-way without leaving its connection unusable, so the caller waits for it to end.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Lets the threads finish queued work and exit. Work submitted afterwards runs on a
    /// detached thread of its own, so no caller is ever left waiting.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            Thread.detachNewThread(work)
            return
        }
        queue.append(work)
        // Count queued work against idle threads, not just "is any idle": a thread signalled for
        // earlier work has not taken it yet, and work must never wait behind a long commit
        // while the pool may still start a thread.
        if queue.count - head > idleThreads && started < threadCount {
            started += 1
            let thread = Thread { [self] in self.loop() }
            thread.name = "\(name).\(started)"
            thread.start()
        } else {
            condition.signal()
        }
        condition.unlock()
    }

    /// Whether the calling thread is one of this pool's threads (thread names are not reliable
    /// on Linux, so the pool marks its threads itself).
    public var ownsCurrentThread: Bool {
        (Thread.current.threadDictionary[Self.markKey] as? ObjectIdentifier) == ObjectIdentifier(self)
    }

    private static let markKey = "greenstream.StoreThreadPool"

    private func loop() {
        Thread.current.threadDictionary[Self.markKey] = ObjectIdentifier(self)
        #if os(Linux)
            // On Linux the nice value is per thread, and PRIO_PROCESS with `who` 0 means the
            // calling thread (setpriority(2), "Bugs"): this changes this thread alone.
            if niceIncrement != 0 {
                let which = __priority_which_t(PRIO_PROCESS.rawValue)
                errno = 0
                let current = getpriority(which, 0)
                if errno == 0 { _ = setpriority(which, 0, current + niceIncrement) }
            }
        #endif
        condition.lock()
        while true {
            if head < queue.count {
                let work = queue[head]
                head += 1
                if head > 64 && head * 2 > queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
                condition.unlock()
                work()
                condition.lock()
                continue
            }
            if stopping { break }
            idleThreads += 1
            condition.wait()
            idleThreads -= 1
        }
        started -= 1
        condition.unlock()
    }
}
