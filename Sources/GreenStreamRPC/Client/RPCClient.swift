import NNG

/// The client side of the wire contract, for workers and `gsctl`: encodes calls,
/// sends them over an NNG REQ socket (background dial, reconnect with backoff),
/// checks the reply and turns error replies into thrown ``RPCError``s.
///
/// Safe to use from many tasks at once; each call has its own REQ context. Call
/// ``close()`` after the last call has returned; dropping the client without it leaves
/// its socket open (see ``RequestClient``).
public final class RPCClient: Sendable {
    /// The request size limit from the options.
    public var maxRequestBytes: Int { options.maxRequestBytes }
    /// Connections made and lost.
    public var pipeEvents: AsyncStream<PipeEvent> { transport.pipeEvents }
    /// Messages sent and received on the open connection, resent copies and discarded
    /// late replies included (``RequestClient/traffic``).
    public var traffic: PipeTraffic { transport.traffic }
    /// Calls sent and not yet answered (``RequestClient/callsInFlight``).
    public var callsInFlight: Int { transport.callsInFlight }
    /// The `client_id` sent in every request header.
    public let clientID: String

    private let transport: RequestClient
    private let codec: WireCodec
    private let clusterToken: String
    private let options: RPCClientOptions

    /// Starts dialling `url`; a server that is not up yet is retried in the background.
    /// - Parameters:
    ///   - url: the coordinator's endpoint.
    ///   - clusterToken: the shared secret sent with every request.
    ///   - clientID: who is calling (a worker id, `gsctl@host`), for the server's logs
    ///     and its reply cache, which tells clients apart by it; `nil` picks a unique
    ///     `client-…` id. Two clients must not share one unless they are the same
    ///     caller (a process that reconnects with a new client and resends).
    ///   - options: limits, timeouts, TLS.
    /// - Throws: ``NngError`` for a malformed URL, ``TransportError`` for TLS setup.
    public init(
        dialing url: String, clusterToken: String, clientID: String? = nil, options: RPCClientOptions = .init()
    ) throws {
        transport = try RequestClient(dialing: url, options: options.transport)
        codec = WireCodec(limits: options.limits)
        self.clusterToken = clusterToken
        self.clientID = clientID ?? "client-" + Self.newRequestID().prefix(16)
        self.options = options
    }

    /// Makes one call and returns the server's result.
    /// - Parameters:
    ///   - body: the call.
    ///   - requestID: reuse an id to retry a call idempotently; a new one by default.
    ///   - timeout: deadline for the whole call (default from the options).
    ///   - protocolVersion: for tests of version refusal.
    /// - Throws: ``RPCError`` when the server answers with an error; ``NngError`` on
    ///   timeouts and closed transports; ``TransportError/messageTooLarge(size:limit:)``
    ///   for oversized requests; ``WireError`` or ``RPCClientError`` for bad replies.
    public func call(
        _ body: RPCRequest.Body, requestID: String? = nil, timeout: Duration? = nil,
        protocolVersion: UInt32 = currentProtocolVersion
    ) async throws -> RPCReply.Body {
        let id = requestID ?? Self.newRequestID()
        let header = RequestHeader(
            requestID: id, clusterToken: clusterToken, protocolVersion: protocolVersion, clientID: clientID)
        let bytes = try codec.encode(RPCRequest(header: header, body: body))
        let replyBytes: [UInt8]
        if case .leaseJob(let poll) = body {
            replyBytes = try await longPoll(bytes, wait: .milliseconds(poll.waitMs), timeout: timeout)
        } else {
            replyBytes = try await transport.request(bytes, maxRequestBytes: options.maxRequestBytes, timeout: timeout)
        }
        let reply = try codec.decodeReply(replyBytes)
        if case .error(let error) = reply.body { throw error }
        guard reply.requestID == id else { throw RPCClientError.mismatchedReply(expected: id, got: reply.requestID) }
        return reply.body
    }

    /// A long poll runs with resend off (a resend would park a second copy on the
    /// server), so a dropped connection fails fast; it is then retried with the same
    /// request id until the deadline, which the server answers idempotently.
    private func longPoll(_ bytes: [UInt8], wait: Duration, timeout: Duration?) async throws -> [UInt8] {
        let deadline = ContinuousClock.now.advanced(by: timeout ?? (wait + options.pollGrace))
        while true {
            do {
                return try await transport.request(
                    bytes, maxRequestBytes: options.maxRequestBytes,
                    timeout: ContinuousClock.now.duration(to: deadline), resend: .some(nil))
            } catch let error as NngError where error.isConnectionReset && ContinuousClock.now < deadline {
                try await Task.sleep(for: options.transport.reconnectMinimum)
            }
        }
    }

    /// Closes the socket; calls in flight fail. Call it after the last call has
    /// returned (``RequestClient/close()``).
    public func close() { transport.close() }

    /// 128 random bits as 32 hex digits.
    public static func newRequestID() -> String {
        var rng = SystemRandomNumberGenerator()
        let words = [rng.next() as UInt64, rng.next() as UInt64]
        return words.map { w in
            let s = String(w, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
    }
}
