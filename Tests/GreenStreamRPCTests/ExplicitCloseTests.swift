import Testing

@testable import NNG

@Suite("Sockets are closed explicitly, never from deinit (NNG 1.5.2 close hang)")
struct ExplicitCloseTests {
    @Test("A client dropped without close() keeps its socket open instead of calling nng_close from deinit")
    func unclosedClientIsKeptNotClosed() async throws {
        let server = try ReplyServer(listeningOn: Endpoint.ipc.listenURL()) { _ in [1] }
        defer { server.close() }
        let before = UnclosedSockets.count
        try await Self.useAndDrop(url: server.url)
        #expect(UnclosedSockets.count == before + 1, "the dropped client's resources were kept, not closed")

        let closed = try RequestClient(dialing: server.url)
        #expect(try await closed.request([0]) == [1])
        closed.close()
        #expect(UnclosedSockets.count == before + 1, "a closed client leaves nothing behind")
    }

    /// Makes one call on a client that is then dropped without `close()`.
    private static func useAndDrop(url: String) async throws {
        let client = try RequestClient(dialing: url)
        #expect(try await client.request([0]) == [1])
    }
}
