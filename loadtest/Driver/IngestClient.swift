// --via ingest: files go to the coordinator's `ingest_file` call (what `gsctl ingest` sends). The
// driver runs on a plain thread, so each call is a task it waits for. A call that fails because
// the coordinator is down (--chaos) is repeated with the same request id until the timeout: the
// coordinator answers a repeated request from its reply cache or, after a restart, creates the
// job once (jobs are identified by name and content).
import Foundation
import GreenStreamRPC

final class IngestClient {
    let client: RPCClient
    let timeout: Double

    init(options: LoadTestOptions) throws {
        guard let coordinator = options.coordinator else {
            throw LoadTestError("--via ingest needs the coordinator (--coordinator or GS_COORDINATOR)")
        }
        let token = try ClusterToken.resolve(
            token: nil, tokenFile: options.tokenFile, environment: ProcessInfo.processInfo.environment)
        client = try RPCClient(dialing: coordinator, clusterToken: token, clientID: "gs-loadtest-\(getpid())")
        timeout = options.timeout
    }

    func ingest(name: String, bytes: [UInt8]) throws {
        let deadline = Date().addingTimeInterval(timeout)
        let requestID = RPCClient.newRequestID()
        var lastError = ""
        while Date() < deadline {
            let box = Locked<Result<Void, Error>?>(nil)
            let done = DispatchSemaphore(value: 0)
            let client = self.client
            let request = IngestFileRequest(fileName: name, content: bytes)
            Task {
                do {
                    _ = try await client.call(.ingestFile(request), requestID: requestID, timeout: .seconds(30))
                    box.withLock { $0 = .success(()) }
                } catch {
                    box.withLock { $0 = .failure(error) }
                }
                done.signal()
            }
            done.wait()
            switch box.current! {
            case .success: return
            case .failure(let error):
                // An answer that refuses the file is final; transport errors (coordinator down) are retried.
                if let rpc = error as? RPCError, rpc.code != .unavailable, rpc.code != .internalError {
                    throw LoadTestError("ingest \(name): \(rpc)")
                }
                lastError = "\(error)"
                usleep(200_000)  // the coordinator is restarting: try again shortly
            }
        }
        throw LoadTestError("ingest \(name): no answer within \(timeout) s (last: \(lastError))")
    }

    func close() { client.close() }
}
