import Logging

/// A swift-log handler that keeps every message, so tests can see what was logged.
public struct CapturedLogs: LogHandler {
    public let store: Shared<[String]>
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: Shared<[String]>) { self.store = store }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        store.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
    }

    /// A logger writing into `store`.
    public static func logger(into store: Shared<[String]>) -> Logger {
        Logger(label: "captured") { _ in CapturedLogs(store: store) }
    }
}
