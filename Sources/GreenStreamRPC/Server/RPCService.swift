/// What the server knows about a request when it calls the service.
public struct RequestContext: Sendable {
    /// The authenticated header (token already checked, version supported).
    public var header: RequestHeader
    /// The NNG connection the request came on; compare with ``RPCServer/pipeEvents``
    /// to abandon a held long poll whose worker went away.
    public var pipeID: UInt32
}

/// The application behind an ``RPCServer`` (the coordinator, or a test double).
///
/// The server has already decoded the request, checked the token and version, and
/// deduplicated resends by request id, so `handle` runs once per logical call. A
/// `LeaseJob` call may wait up to its `waitMs` for work; the server bounds how many
/// such calls are held at once.
public protocol RPCService: Sendable {
    /// Answers one call.
    /// - Returns: the reply body (a result, or ``RPCReply/Body/error(_:)``).
    /// - Throws: an ``RPCError`` to answer with that error; any other error becomes
    ///   `INTERNAL` with its description.
    func handle(_ body: RPCRequest.Body, context: RequestContext) async throws -> RPCReply.Body
}
