import GreenStreamRPC
import NNG
import Testing

@Suite("Many concurrent clients (R-R-2)")
struct ConcurrencyTests {
    @Test("50 concurrent clients × 200 requests: every reply matches its request", arguments: [Endpoint.tcp, .ipc])
    func fiftyClientsTwoHundredRequests(endpoint: Endpoint) async throws {
        let harness = try Harness(endpoint)
        defer { harness.server.close() }
        let clients = try (0..<50).map { _ in try harness.client() }
        defer { clients.forEach { $0.close() } }
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for (c, client) in clients.enumerated() {
                group.addTask {
                    var wrong = 0
                    for i in 0..<200 {
                        let id = Int64(c * 1000 + i)
                        let reply = try await client.showJob(id: id)
                        if reply.job.jobID != id || reply.job.fileName != "job\(id).csv" { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(harness.service.count("show_job") == 50 * 200)
    }
}
