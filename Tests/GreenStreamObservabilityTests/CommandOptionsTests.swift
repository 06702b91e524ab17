import Foundation
import GreenStreamTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `greenstream` binary's observability options (a real process, as the CLI tests do).
struct CommandOptionsTests {
    @Test("coordinator and worker list --log-level, --log-format and --metrics-listen in their help")
    func help() throws {
        let binary = try ChildProcess.greenstreamBinary()
        for command in ["coordinator", "worker"] {
            let help = try ChildProcess.run(binary, [command, "--help"])
            for option in ["--log-level", "--log-format", "--metrics-listen", "GS_LOG_FORMAT", "GS_METRICS_LISTEN"] {
                #expect(help.stdoutText.contains(option), "\(command): \(option)")
            }
        }
    }

    @Test("a bad --log-format or GS_LOG_LEVEL is a usage error (exit 64) naming what is allowed")
    func badValues() throws {
        let binary = try ChildProcess.greenstreamBinary()
        let format = try ChildProcess.run(
            binary, ["worker", "--log-format", "xml", "--coordinator", "tcp://127.0.0.1:1", "--token", "t"])
        #expect(format.status == 64 && format.stderrText.contains("unknown log format 'xml': use text or json"))
        let level = try ChildProcess.run(
            binary, ["coordinator"], environment: ["GS_LOG_LEVEL": "loud", "GS_LOG_FORMAT": ""])
        #expect(level.status == 64 && level.stderrText.contains("unknown log level 'loud'"))
    }

    @Test("a worker whose metrics port is taken stops at once with exit 1 and a JSON line saying why")
    func metricsPortTaken() throws {
        // Hold a port: bound and listening, so the worker's bind fails.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let run = try ChildProcess.run(
            try ChildProcess.greenstreamBinary(),
            ["worker", "--coordinator", "tcp://127.0.0.1:1", "--token", "t", "--metrics-listen", "127.0.0.1:\(port)"],
            environment: ["GS_LOG_FORMAT": "json", "GS_LOG_LEVEL": ""])
        #expect(run.status == 1)
        let last = try #require(run.stderrText.split(separator: "\n").last.map(String.init))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(last)")
        #expect(object["level"] as? String == "critical")
        #expect(object["message"] as? String == "worker cannot serve metrics")
        #expect((object["metadata"] as? [String: String])?["error"]?.contains("127.0.0.1:\(port)") == true, "\(last)")
    }
}
