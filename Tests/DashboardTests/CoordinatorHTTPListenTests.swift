import Foundation
import GreenStreamTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `greenstream coordinator --http-listen` as a real process: serves once started, stops with the
/// coordinator on SIGTERM, refuses a malformed address, and exits 1 when it cannot bind.
extension DashboardClusterTests {
    @Test("issue 11: --http-listen serves the dashboard; SIGTERM stops it with the coordinator, exit 0")
    func servesAndStopsOnSIGTERM() throws {
        let run = try CoordinatorRun()
        let port = try freePort()
        let url = "http://127.0.0.1:\(port)/"
        let finished = run.start(["--http-listen", "127.0.0.1:\(port)"])
        try Wait.until("the dashboard answers at \(url)", timeout: 60) {
            if finished.isDone { throw ChildProcessError("coordinator exited: \(finished.result?.stderrText ?? "")") }
            return (try? HTTP.request(url + "api/jobs").status) == 200
        }
        #expect(try HTTP.request(url).text.contains("GreenStream"))
        #expect(kill(try run.pid(), SIGTERM) == 0)
        let result = try finished.wait(timeout: 60)
        #expect(result.status == 0, "\(result.stderrText.suffix(1500))")
        #expect(result.stderrText.contains("dashboard ready") && result.stderrText.contains(url))
        // A graceful stop: the keep-alive connection this test's client still holds is closed, not
        // cancelled mid-read (which Hummingbird logs as an error).
        #expect(!result.stderrText.contains("error greenstream.dashboard"), "\(result.stderrText.suffix(1500))")
        #expect((try? HTTP.request(url)) == nil, "nothing listens after the coordinator stopped")
    }

    @Test("issue 11: an address in use stops the coordinator with exit 1; a malformed one is refused (64)")
    func unusableAddresses() throws {
        let run = try CoordinatorRun()
        let (fd, port) = try listeningSocket()
        defer { close(fd) }
        let result = try run.start(["--http-listen", "127.0.0.1:\(port)"]).wait(timeout: 120)
        #expect(result.status == 1, "\(result.stderrText.suffix(1500))")
        #expect(result.stderrText.contains("dashboard cannot serve"))
        #expect(result.stderrText.contains("url=http://127.0.0.1:\(port)/"))

        for bad in ["nope", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", ":8080"] {
            let refused = try CoordinatorRun().start(["--http-listen", bad]).wait(timeout: 60)
            #expect(refused.status == 64, "\(bad): \(refused.stderrText)")
            #expect(refused.stderrText.contains("--http-listen wants HOST:PORT"), "\(bad): \(refused.stderrText)")
        }
    }
}

/// One coordinator process on a private schema of GS_PG_URL's server, wrapped in bash so the test
/// learns its pid (bash writes it, then waits for it and exits with its status).
final class CoordinatorRun: @unchecked Sendable {
    let dir: URL
    let schemaURL: String
    let db: QueryDatabase

    init() throws {
        db = try QueryDatabase()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gs-dash-coord-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        schemaURL = db.url
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    final class Finished: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<ChildProcessResult, any Error>?
        private let done = DispatchSemaphore(value: 0)
        func set(_ r: Result<ChildProcessResult, any Error>) {
            lock.withLock { value = r }
            done.signal()
        }
        var isDone: Bool { lock.withLock { value != nil } }
        var result: ChildProcessResult? { lock.withLock { try? value?.get() } }
        func wait(timeout: Double) throws -> ChildProcessResult {
            guard done.wait(timeout: .now() + timeout) == .success else {
                throw ChildProcessError("the coordinator did not exit within \(Int(timeout)) s")
            }
            return try lock.withLock { value! }.get()
        }
    }

    func start(_ extra: [String]) -> Finished {
        let finished = Finished()
        let binary = (try? ChildProcess.greenstreamBinary()) ?? "greenstream"
        let listen = "tcp://127.0.0.1:\((try? freePort()) ?? 1)"
        let arguments =
            [
                "coordinator", "--data-dir", dir.appendingPathComponent("data").path, "--pg", schemaURL, "--listen",
                listen, "--token", "dashboard-test-token",
            ] + extra
        let pidFile = dir.appendingPathComponent("pid").path
        let script = "\"$0\" \"$@\" & echo $! > '\(pidFile)'; wait $!"
        DispatchQueue.global().async {
            finished.set(
                Result {
                    try ChildProcess.run(
                        "bash", ["-c", script, binary] + arguments, environment: ["GS_HTTP_LISTEN": ""])
                })
        }
        return finished
    }

    func pid() throws -> pid_t {
        let text = try String(contentsOfFile: dir.appendingPathComponent("pid").path, encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ChildProcessError("no pid written")
        }
        return pid
    }
}

/// A port nothing listens on now (bound to 0, read back, closed).
func freePort() throws -> Int {
    let (fd, port) = try listeningSocket()
    close(fd)
    return port
}

/// A socket listening on 127.0.0.1 at a port the kernel picked, and that port.
func listeningSocket() throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ChildProcessError("socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 }
    }
    guard bound else { throw ChildProcessError("bind/listen: errno \(errno)") }
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
