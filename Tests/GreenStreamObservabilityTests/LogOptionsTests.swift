import GreenStreamObservability
import Logging
import Testing

struct LogOptionsTests {
    @Test("defaults: info, text")
    func defaults() throws {
        #expect(try LogOptions(level: nil, format: nil, environment: [:]) == LogOptions(level: .info, format: .text))
    }

    @Test("GS_LOG_LEVEL and GS_LOG_FORMAT apply when no option is given; an option wins")
    func environmentAndOptions() throws {
        let env = ["GS_LOG_LEVEL": "debug", "GS_LOG_FORMAT": "json"]
        #expect(try LogOptions(level: nil, format: nil, environment: env) == LogOptions(level: .debug, format: .json))
        #expect(
            try LogOptions(level: "warning", format: "text", environment: env)
                == LogOptions(level: .warning, format: .text))
        #expect(try LogOptions(level: nil, format: nil, environment: ["GS_LOG_LEVEL": ""]).level == .info)
    }

    @Test("unknown values are refused with what is allowed")
    func refusals() {
        #expect(throws: LogOptionsError.self) { try LogOptions(level: "loud", format: nil, environment: [:]) }
        do {
            _ = try LogOptions(level: nil, format: "xml", environment: [:])
            Issue.record("xml accepted")
        } catch {
            #expect(error.description.contains("text or json"))
        }
    }

    @Test("the handler made has the chosen level and format")
    func handler() {
        let json = LogOptions(level: .error, format: .json).makeHandler(label: "x")
        #expect(json is JSONLogHandler && json.logLevel == .error)
        let text = LogOptions(level: .trace, format: .text).makeHandler(label: "x")
        #expect(text is StreamLogHandler && text.logLevel == .trace)
    }
}
