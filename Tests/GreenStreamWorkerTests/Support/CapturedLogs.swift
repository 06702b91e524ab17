// Copied from Tests/GreenStreamRPCTests/Support (test targets cannot share sources).
import Logging

/// A swift-log handler that keeps every message, so tests can see what was logged.
struct CapturedLogs: LogHandler {
    let store: Shared<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        store.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
    }

    /// A logger writing into `store`.
    static func logger(into store: Shared<[String]>) -> Logger {
        Logger(label: "captured") { _ in CapturedLogs(store: store) }
    }
}
