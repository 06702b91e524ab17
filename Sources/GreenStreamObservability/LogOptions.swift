import Logging

/// How log lines look: `text` (swift-log's stream format with `key=value` metadata) or `json`
/// (``JSONLogHandler``, one object per line).
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// `--log-level` and `--log-format` of every long-running command, each also from its
/// environment variable (GS_LOG_LEVEL, GS_LOG_FORMAT); an option given wins.
public struct LogOptions: Sendable, Equatable {
    public var level: Logger.Level
    public var format: LogFormat

    public init(level: Logger.Level = .info, format: LogFormat = .text) {
        self.level = level
        self.format = format
    }

    /// Reads the options, falling back to the environment, then to `info` and `text`.
    /// - Throws: ``LogOptionsError`` naming the bad value.
    public init(level: String?, format: String?, environment: [String: String]) throws(LogOptionsError) {
        func pick(_ option: String?, _ key: String) -> String? {
            if let option { return option }
            if let value = environment[key], !value.isEmpty { return value }
            return nil
        }
        let levelText = pick(level, "GS_LOG_LEVEL") ?? "info"
        guard let parsedLevel = Logger.Level(rawValue: levelText.lowercased()) else {
            throw LogOptionsError(
                "unknown log level '\(levelText)': use trace, debug, info, notice, warning, error or critical")
        }
        let formatText = pick(format, "GS_LOG_FORMAT") ?? "text"
        guard let parsedFormat = LogFormat(rawValue: formatText.lowercased()) else {
            throw LogOptionsError("unknown log format '\(formatText)': use text or json")
        }
        self.init(level: parsedLevel, format: parsedFormat)
    }

    /// A handler for `label` in this format and level, writing to standard error.
    public func makeHandler(label: String) -> any LogHandler {
        switch format {
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        case .json:
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Makes every `Logger` of the process use these options. Call it once, first thing.
    public func bootstrap() {
        let options = self
        LoggingSystem.bootstrap { label in options.makeHandler(label: label) }
    }
}

/// A `--log-level` or `--log-format` value that is not one of the known ones.
public struct LogOptionsError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
