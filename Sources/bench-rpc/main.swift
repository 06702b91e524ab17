// bench-rpc: round trips/s for small requests and MB/s for 4 MiB payloads over tcp
// loopback, through the whole stack (RPCClient → NNG → RPCServer → service and back),
// and what a 48 MiB request costs the server when its token is wrong (refused from its
// header) compared with the same request accepted (decoded and served).
//
//   swift run -c release bench-rpc [seconds-per-case]   (default 5)
//
// Results go to docs/PERFORMANCE.md, section "RPC".
import GreenStreamCore
import GreenStreamRPC
import Logging
import NNG

/// Answers at once: the benchmark measures the RPC layer, not an application.
struct EchoService: RPCService {
    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body {
        switch body {
        case .showJob(let r):
            return .showJob(
                ShowJobReply(
                    job: JobSummary(
                        jobID: r.jobID, state: .succeeded, attempts: 1, fileName: "f.csv", createdAtUs: 1,
                        updatedAtUs: 2),
                    fileSHA256: "", fileSize: 0, rejectCounts: [:], attempts: []))
        case .ingestFile(let r):
            return .ingestFile(IngestFileReply(jobID: Int64(r.content.count), state: .pending))
        case .leaseJob:
            let payload = [UInt8](repeating: 0x5a, count: payloadBytes)
            return .leaseJob(
                LeaseJobReply(
                    assignment: JobAssignment(
                        job: JobLease(jobID: 1, attempt: 1), fileName: "f.csv", fileSHA256: "",
                        fileSize: UInt64(payloadBytes), content: payload, leaseTimeoutMs: 5000)))
        default:
            return .error(RPCError(.unknownRequest, "not benchmarked"))
        }
    }
}

let payloadBytes = 4 << 20
let seconds = CommandLine.arguments.count > 1 ? Double(CommandLine.arguments[1]) ?? 5 : 5
let token = "bench-token"

/// `x` with `digits` decimals, without Foundation.
func fixed(_ x: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (x * scale).rounded() / scale
    let whole = Int(r)
    guard digits > 0 else { return String(whole) }
    let frac = Int(((r - Double(whole)) * scale).rounded())
    let f = String(frac)
    return "\(whole)." + String(repeating: "0", count: max(0, digits - f.count)) + f
}

/// Runs `body` until the deadline; prints calls/s and, for payload cases, MiB/s.
func measure(
    _ name: String, bytesPerCall: Int = 0, _ body: @escaping @Sendable (ContinuousClock.Instant) async throws -> Int
) async throws {
    let start = ContinuousClock.now
    let deadline = start.advanced(by: .milliseconds(Int(seconds * 1000)))
    let count = try await body(deadline)
    let elapsed = start.duration(to: .now)
    let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var line = "\(name): \(count) calls in \(fixed(s, 2)) s = \(fixed(Double(count) / s, 0)) round trips/s"
    if bytesPerCall > 0 { line += ", \(fixed(Double(count * bytesPerCall) / s / Double(1 << 20), 1)) MiB/s" }
    print(line)
}

var logger = Logger(label: "bench-rpc")
logger.logLevel = .error
let server = try RPCServer(
    listeningOn: "tcp://127.0.0.1:0", options: RPCServerOptions(clusterToken: token), service: EchoService(),
    logger: logger)
defer { server.close() }
print("bench-rpc: server at \(server.url), \(seconds) s per case, payload \(payloadBytes) bytes")

let single = try RPCClient(dialing: server.url, clusterToken: token)
_ = try await single.showJob(id: 0)  // connect and warm up

try await measure("small, 1 caller (sequential)") { deadline in
    var n = 0
    while ContinuousClock.now < deadline {
        _ = try await single.showJob(id: Int64(n))
        n += 1
    }
    return n
}

let clients = try (0..<4).map { _ in try RPCClient(dialing: server.url, clusterToken: token) }
try await measure("small, 32 callers on 4 sockets") { deadline in
    try await withThrowingTaskGroup(of: Int.self) { group in
        for caller in 0..<32 {
            group.addTask {
                var n = 0
                while ContinuousClock.now < deadline {
                    _ = try await clients[caller % 4].showJob(id: Int64(n))
                    n += 1
                }
                return n
            }
        }
        return try await group.reduce(0, +)
    }
}

let payload = [UInt8](repeating: 0xa5, count: payloadBytes)
try await measure("4 MiB request (ingest_file), 1 caller", bytesPerCall: payloadBytes) { deadline in
    var n = 0
    while ContinuousClock.now < deadline {
        _ = try await single.ingestFile(IngestFileRequest(fileName: "big.csv", content: payload))
        n += 1
    }
    return n
}
try await measure("4 MiB reply (lease_job), 1 caller", bytesPerCall: payloadBytes) { deadline in
    var n = 0
    while ContinuousClock.now < deadline {
        _ = try await single.leaseJob(LeaseJobRequest(workerID: "bench", waitMs: 0))
        n += 1
    }
    return n
}
// R-R-3/R-R-4: a peer without the token should cost the server the transfer only. The
// requests are packed once and sent as bytes, so the figures are NNG plus the server.
let hugeBytes = 48 << 20
let huge = RPCRequest.Body.ingestFile(
    IngestFileRequest(fileName: "huge.csv", content: [UInt8](repeating: 0x3c, count: hugeBytes)))
let codec = WireCodec()
let raw = try RequestClient(dialing: server.url)
for (name, token) in [("wrong token (refused)", "not-the-token"), ("right token (decoded)", token)] {
    let packed = try codec.encode(RPCRequest(header: RequestHeader(requestID: "huge", clusterToken: token), body: huge))
    try await measure("48 MiB request, \(name), 1 caller", bytesPerCall: hugeBytes) { deadline in
        var n = 0
        while ContinuousClock.now < deadline {
            let reply = try codec.decodeReply(try await raw.request(packed))
            if case .error(let error) = reply.body, error.code != .unauthenticated {
                fatalError("bench-rpc: unexpected \(error)")
            }
            n += 1
        }
        return n
    }
}
raw.close()
single.close()
clients.forEach { $0.close() }
