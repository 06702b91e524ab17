import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that writes one JSON object per line (`--log-format json`):
///
///     {"ts":"2026-12-02T01:02:03.456Z","level":"info","label":"greenstream.coordinator",
///      "message":"job created","metadata":{"file":"a.csv","job_id":"7"}}
///
/// Keys appear in that order; metadata keys are sorted so lines diff well. Nested metadata
/// (arrays, dictionaries) becomes JSON arrays and objects; everything else is a string. Each line
/// goes out in one `write(2)`, so lines from several threads never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    public let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - label: the logger's label.
    ///   - write: receives each line, newline included; standard error by default.
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        write(Self.line(date: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    /// One event as a JSON line (newline included); pure, for tests.
    public static func line(
        date: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var out = "{\"ts\":\""
        out += timestamp(date)
        out += "\",\"level\":"
        appendString(level.rawValue, to: &out)
        out += ",\"label\":"
        appendString(label, to: &out)
        out += ",\"message\":"
        appendString(message, to: &out)
        out += ",\"metadata\":"
        appendValue(.dictionary(metadata), to: &out)
        out += "}\n"
        return out
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-12-02T01:02:03.456Z`.
    public static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }

    static func appendValue(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let text): appendString(text, to: &out)
        case .stringConvertible(let convertible): appendString(convertible.description, to: &out)
        case .array(let values):
            out += "["
            for (i, element) in values.enumerated() {
                if i > 0 { out += "," }
                appendValue(element, to: &out)
            }
            out += "]"
        case .dictionary(let entries):
            out += "{"
            for (i, key) in entries.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                appendString(key, to: &out)
                out += ":"
                appendValue(entries[key]!, to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7);
    /// everything else, non-ASCII included, as it is (the line is UTF-8).
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Writes `line` to standard error in one call.
    public static let standardError: @Sendable (String) -> Void = { line in
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { writeToFD(2, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

/// `write(2)`, named apart from ``JSONLogHandler``'s `write` closure.
private func writeToFD(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}
