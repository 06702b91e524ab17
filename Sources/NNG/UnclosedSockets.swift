import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a ``RequestClient`` or ``ReplyServer`` that was never closed leaves its NNG
/// resources when it is deinitialised.
///
/// Closing is explicit: `nng_close` can block forever in NNG 1.5.2 when a reply is
/// still arriving on one of the socket's pipes (docs/DECISIONS.md, RPC, "Known NNG
/// 1.5.2 hang"), and a `deinit` runs wherever the last reference happens to drop —
/// inside a task, a callback, a lock — so a hang there would be silent and could stall
/// unrelated work. Owners call `close()` after their last call has returned. One that
/// forgets gets a line on standard error, and the socket stays open: the objects NNG's
/// callbacks point at (pipe-event source, reply contexts) are kept here for the life of
/// the process, so no callback ever runs on freed memory. A leaked socket costs a file
/// descriptor and some memory; a hung `nng_close` costs the process.
enum UnclosedSockets {
    private static let kept = Mutex<[any AnyObject & Sendable]>([])

    /// Keeps `objects` alive for good and reports the forgotten `close()`.
    static func keep(_ objects: [any AnyObject & Sendable], owner: String, url: String) {
        kept.withLock { $0.append(contentsOf: objects) }
        let line =
            "NNG: \(owner) for \(url) was deinitialised without close(); its socket is left open "
            + "(nng_close can hang in NNG 1.5.2, so deinit never calls it). Call close() after the last call.\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// Objects kept so far (tests).
    static var count: Int { kept.withLock { $0.count } }
}
