import Logging
import NNG

/// The coordinator side of the wire contract: an NNG REP server that reads each
/// request's header first, refuses bad tokens and versions before decoding anything
/// else, deduplicates resends per client, bounds held long polls, and hands the call
/// to an ``RPCService``.
///
/// Every request gets exactly one reply; nothing a peer sends can crash it
/// (R-R-4): undecodable bytes get `INVALID_REQUEST`, an unknown call
/// `UNKNOWN_REQUEST`, and messages above the receive limit are dropped by NNG
/// together with the sender's connection.
///
/// Call ``close()`` when done; dropping the server without it leaves its socket open
/// (see ``ReplyServer``).
public final class RPCServer: Sendable {
    /// The URL served, with a concrete port when port 0 was asked for.
    public var url: String { transport.url }
    /// Connections joining and leaving.
    public var pipeEvents: AsyncStream<PipeEvent> { transport.pipeEvents }
    /// `LeaseJob` calls being held right now.
    public var parkedPolls: Int { parked.current }
    /// Requests received so far, resent copies included (``ReplyServer/requestsReceived``).
    public var requestsReceived: Int { transport.requestsReceived }
    /// Replies finished so far (``ReplyServer/repliesFinished``).
    public var repliesFinished: Int { transport.repliesFinished }
    /// Requests whose body was decoded: those that passed the token, version and
    /// request-id checks. Refused requests never count.
    var bodiesDecoded: Int { counters.bodiesDecoded.load(ordering: .relaxed) }
    /// Requests answered from an earlier copy with the same client, call and request id.
    var repeatedRequests: Int { cache.repeats }

    private let transport: ReplyServer
    private let parked: ParkedPolls
    private let counters = PipelineCounters()
    private let cache: ReplyCache<ReplyCacheKey>

    /// Starts serving `url`.
    /// - Parameters:
    ///   - url: `ipc://…`, `tcp://host:port` (0 picks a port) or `tls+tcp://host:port`.
    ///   - options: token, versions, limits, TLS.
    ///   - service: the application.
    ///   - logger: where refused requests are logged.
    /// - Throws: ``NngError`` or ``TransportError`` when the endpoint cannot be served.
    public init(listeningOn url: String, options: RPCServerOptions, service: any RPCService, logger: Logger) throws {
        parked = ParkedPolls(limit: options.maxParkedPolls)
        cache = ReplyCache(maxEntries: options.dedupeEntries, maxBytes: options.dedupeBytes)
        let core = RequestPipeline(
            options: options, service: service, logger: logger, codec: WireCodec(limits: options.limits),
            cache: cache, parked: parked, counters: counters)
        transport = try ReplyServer(listeningOn: url, options: options.transport) { request in
            await core.reply(to: request)
        }
    }

    /// Stops serving; held calls are abandoned (clients resend or time out). Call it
    /// once, at shutdown, after the last reply that matters has gone out.
    public func close() { transport.close() }
}
