import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM and SIGINT as a callback: the default action (die at once) is replaced by a graceful
/// stop. The handler runs on a dispatch queue, never inside the signal itself.
public final class ShutdownSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    private init(sources: [any DispatchSourceSignal]) { self.sources = sources }

    /// Calls `handler` on every SIGTERM or SIGINT until ``cancel()``.
    public static func watch(
        _ signals: [Int32] = [SIGTERM, SIGINT], queue: DispatchQueue = .global(),
        handler: @escaping @Sendable () -> Void
    ) -> ShutdownSignals {
        let sources = signals.map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
        return ShutdownSignals(sources: sources)
    }

    /// Stops watching (the signals stay ignored).
    public func cancel() { sources.forEach { $0.cancel() } }
}
