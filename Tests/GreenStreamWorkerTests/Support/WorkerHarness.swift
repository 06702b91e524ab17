import Foundation
import GreenStreamArchive
import GreenStreamCore
import GreenStreamRPC
import GreenStreamWorker
import Logging
import NNG
import GreenStreamTesting

let testToken = "worker-test-token"

/// A real ``RPCServer`` (ipc://) running a ``StandInCoordinator``, and a real ``Worker`` dialled
/// into it, running in a task. ``stop()`` sends the worker the shutdown a SIGTERM would and
/// returns its exit status.
struct WorkerHarness {
    let url: String
    let server: RPCServer
    let coordinator: StandInCoordinator
    let worker: Worker
    let run: Task<Int32, any Error>
    /// Everything the worker logged.
    let logs = Shared([String]())

    init(
        concurrency: Int = 1, coordinator: StandInCoordinator = StandInCoordinator(), url: String? = nil,
        drainTimeout: Duration = .seconds(30)
    ) throws {
        self.url = url ?? "ipc:///tmp/gs-worker-test-\(getpid())-\(RPCClient.newRequestID().prefix(12)).ipc"
        self.coordinator = coordinator
        server = try RPCServer(
            listeningOn: self.url, options: RPCServerOptions(clusterToken: testToken), service: coordinator,
            logger: Logger(label: "server") { _ in SwiftLogNoOpLogHandler() })
        let config = WorkerConfiguration(
            coordinator: self.url, token: testToken, workerID: "test-worker", concurrency: concurrency,
            drainTimeout: drainTimeout, backoff: .init(minimum: .milliseconds(20), maximum: .milliseconds(200)))
        try config.validate()
        worker = Worker(configuration: config, logger: CapturedLogs.logger(into: logs))
        let worker = worker
        run = Task { try await worker.run() }
    }

    /// Graceful stop (what SIGTERM does); the worker's exit status. Closes the server afterwards.
    func stop() async throws -> Int32 {
        worker.shutdown()
        let status = try await run.value
        server.close()
        return status
    }

    /// Log lines containing `text`.
    func logLines(containing text: String) -> [String] { logs.withLock { $0 }.filter { $0.contains(text) } }
}

/// Bytes and assignments for tests.
enum Sample {
    /// The repository's samples/ folder.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// A CSV of `meters` meters × `slots` quarter hours, with a few bad rows, for results sent in parts.
    static func fleet(meters: Int, slots: Int) -> [UInt8] {
        var text = "MeterID,Timestamp,ReadingValue,Unit\n"
        for m in 1...meters {
            for s in 0..<slots {
                let minutes = s * 15
                let ts = String(
                    format: "2024-03-%02dT%02d:%02d:00Z", 1 + minutes / 1440, minutes / 60 % 24, minutes % 60)
                let value = s % 97 == 5 ? "oops" : String(format: "%.2f", Double((m * 7 + s) % 50) / 10)
                text += "\(m),\(ts),\(value),kW\n"
            }
        }
        return Array(text.utf8)
    }

    static func assignment(
        _ lease: JobLease, name: String, bytes: [UInt8] = [], sourcePath: String = "",
        settings: TransformSettings = .init()
    ) -> JobAssignment {
        JobAssignment(
            job: lease, fileName: name, fileSHA256: String(repeating: "ab", count: 32), fileSize: UInt64(bytes.count),
            content: bytes, sourcePath: sourcePath, settings: settings, leaseTimeoutMs: 5000)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Mailbox {
    /// The next value, or a test failure naming what did not arrive (a guard, not a delay:
    /// the value normally arrives in milliseconds).
    func next(_ what: String, within limit: Duration = .seconds(30)) async throws -> Value {
        guard let value = await take(timeout: limit) else { throw TestFailure("\(what) did not arrive") }
        return value
    }

    /// Values until one satisfies `predicate`; that one.
    func first(_ what: String, where predicate: (Value) -> Bool) async throws -> Value {
        while true {
            let value = try await next(what)
            if predicate(value) { return value }
        }
    }
}
