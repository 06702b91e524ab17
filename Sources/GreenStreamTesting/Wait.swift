import Foundation

/// Waiting for a signal (a job state, a file, a log line) with a deadline and a message that
/// says what did not happen. The condition is re-checked every 50 ms: it is the signal that ends
/// the wait, never the elapsed time. Shared by the cluster, dashboard and load-test targets.
public enum Wait {
    public struct TimedOut: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Returns once `condition` is true; throws ``TimedOut`` naming `what` (and `detail()`, e.g.
    /// the last state seen and a log tail) when `timeout` seconds pass first.
    public static func until(
        _ what: String, timeout: Double, detail: () -> String = { "" }, _ condition: () throws -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return }
            if Date() >= deadline {
                throw TimedOut(description: "timed out after \(Int(timeout)) s waiting for \(what). \(detail())")
            }
            usleep(50_000)
        }
    }
}
