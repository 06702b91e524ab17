// Noticing landed files (R-J-1): Linux inotify on landing/ (IN_MOVED_TO for writers that rename in,
// IN_CLOSE_WRITE for those that write in place), read by a dedicated thread that blocks in poll(2),
// so no Swift task thread ever waits on the kernel. Names arrive in the kernel's order, which is the
// landing order (R-H-1). A queue overflow only says "rescan"; the periodic rescan is the safety net.
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What the watcher saw.
public enum LandingEvent: Sendable, Equatable {
    /// A file appeared under this name.
    case landed(String)
    /// Events may have been lost (queue overflow, watch removed): list the folder.
    case rescan
}

/// Watches one directory with inotify on its own thread and yields ``LandingEvent``s.
public final class LandingWatcher: Sendable {
    /// The events, in the order the kernel reported them.
    public let events: AsyncStream<LandingEvent>
    private let continuation: AsyncStream<LandingEvent>.Continuation
    private let fd: Int32
    /// Written to wake the thread for shutdown.
    private let wakePipe: (read: Int32, write: Int32)
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts watching `directory`.
    /// - Throws: ``ZoneError`` when inotify cannot be set up.
    public init(directory: String) throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw ZoneError(call: "inotify_init1", path: directory, errno: errno) }
        let mask = UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_ONLYDIR)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            let e = errno
            close(fd)
            throw ZoneError(call: "inotify_add_watch", path: directory, errno: e)
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            let e = errno
            close(fd)
            throw ZoneError(call: "pipe2", path: directory, errno: e)
        }
        for end in fds {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        self.fd = fd
        wakePipe = (fds[0], fds[1])
        (events, continuation) = AsyncStream.makeStream(of: LandingEvent.self, bufferingPolicy: .unbounded)
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "greenstream.inotify"
        thread.start()
    }

    /// Stops the thread and ends ``events``; waits for the thread to leave. Idempotent.
    public func stop() {
        let first = stopped.withLock { s -> Bool in
            defer { s = true }
            return !s
        }
        guard first else { return }
        var one: UInt8 = 1
        _ = write(wakePipe.write, &one, 1)
        finished.wait()
        close(fd)
        close(wakePipe.read)
        close(wakePipe.write)
    }

    private func readLoop() {
        defer {
            continuation.finish()
            finished.signal()
        }
        let headerSize = MemoryLayout<inotify_event>.size
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopped.withLock({ $0 }) {
            var polls = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&polls, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                continuation.yield(.rescan)
                return
            }
            if polls[1].revents != 0 { return }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                continuation.yield(.rescan)
                return
            }
            var offset = 0
            while offset + headerSize <= n {
                let (mask, length) = buffer.withUnsafeBytes { raw -> (UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len))
                }
                let nameStart = offset + headerSize
                let nameBytes = buffer[nameStart..<min(nameStart + length, n)].prefix { $0 != 0 }
                offset = nameStart + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 || mask & UInt32(IN_IGNORED) != 0 {
                    continuation.yield(.rescan)
                    continue
                }
                if mask & UInt32(IN_ISDIR) != 0 || nameBytes.isEmpty { continue }
                continuation.yield(.landed(String(decoding: nameBytes, as: UTF8.self)))
            }
        }
    }
}
