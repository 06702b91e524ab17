import Foundation
import GreenStreamObservability
import Logging
import Synchronization
import Testing

struct JSONLogHandlerTests {
    /// Decodes one line as a JSON object (the handler's contract: one object per line).
    func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil, "exactly one line: \(line)")
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test("one object per line with ts, level, label, message and metadata, in that order")
    func fieldsAndOrder() throws {
        let date = Date(timeIntervalSince1970: 1_764_637_323.456)
        let line = JSONLogHandler.line(
            date: date, level: .info, label: "greenstream.coordinator", message: "job created",
            metadata: ["job_id": "7", "file": "a.csv"])
        #expect(
            line
                == #"{"ts":"2025-12-02T01:02:03.456Z","level":"info","label":"greenstream.coordinator","message":"job created","metadata":{"file":"a.csv","job_id":"7"}}"#
                + "\n")
        let decoded = try object(line)
        #expect(decoded["level"] as? String == "info")
        #expect((decoded["metadata"] as? [String: String]) == ["file": "a.csv", "job_id": "7"])
    }

    @Test("quotes, backslashes, newlines, tabs, control characters and non-ASCII survive a JSON round trip")
    func escaping() throws {
        let nasty = "say \"hi\"\\ \n\r\t\u{01}\u{1F}\u{7F} ünï 🌩"
        let line = JSONLogHandler.line(
            date: Date(timeIntervalSince1970: 0), level: .warning, label: "l\"abel", message: nasty,
            metadata: [nasty: .string(nasty)])
        #expect(!line.dropLast().contains("\n"), "a newline in a message must not split the line")
        #expect(line.contains(#"\u0001"#) && line.contains(#"\u001f"#) && line.contains(#"\u007f"#))
        let decoded = try object(line)
        #expect(decoded["message"] as? String == nasty)
        #expect(decoded["label"] as? String == "l\"abel")
        #expect((decoded["metadata"] as? [String: String])?[nasty] == nasty)
        #expect(decoded["ts"] as? String == "1970-01-01T00:00:00.000Z")
    }

    @Test("nested metadata becomes JSON arrays and objects; other values are strings")
    func nestedMetadata() throws {
        let line = JSONLogHandler.line(
            date: Date(), level: .debug, label: "x", message: "m",
            metadata: [
                "list": .array(["a", .stringConvertible(3)]), "map": .dictionary(["k": "v", "n": .array([])]),
                "number": .stringConvertible(42),
            ])
        let metadata = try #require(try object(line)["metadata"] as? [String: Any])
        #expect(metadata["list"] as? [String] == ["a", "3"])
        let map = try #require(metadata["map"] as? [String: Any])
        #expect(map["k"] as? String == "v" && (map["n"] as? [Any])?.isEmpty == true)
        #expect(metadata["number"] as? String == "42")
    }

    @Test("through a Logger: level filter, handler metadata merged with the event's (the event wins)")
    func throughLogger() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "greenstream.worker") { label in
            var handler = JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
            handler.logLevel = .info
            return handler
        }
        logger[metadataKey: "worker"] = "worker-1"
        logger[metadataKey: "attempt"] = "1"
        logger.debug("heartbeat")
        logger.info("job leased", metadata: ["job_id": "7", "attempt": "2"])
        let written = lines.withLock { $0 }
        try #require(written.count == 1, "debug is below info: \(written)")
        let decoded = try object(written[0])
        #expect(decoded["message"] as? String == "job leased")
        #expect(decoded["label"] as? String == "greenstream.worker")
        #expect((decoded["metadata"] as? [String: String]) == ["worker": "worker-1", "attempt": "2", "job_id": "7"])
    }
}
