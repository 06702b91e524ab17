import Logging
import NNG

/// The coordinator side of the wire contract: an NNG REP server that decodes each
/// request, refuses bad tokens and versions, deduplicates resends, bounds held long
/// polls, and hands the call to an ``RPCService``.
///
/// Every request gets exactly one reply; nothing a peer sends can crash it
/// (R-R-4): undecodable bytes get `INVALID_REQUEST`, an unknown call
/// `UNKNOWN_REQUEST`, and messages above the receive limit are dropped by NNG
/// together with the sender's connection.
public final class RPCServer: Sendable {
    /// The URL served, with a concrete port when port 0 was asked for.
    public var url: String { transport.url }
    /// Connections joining and leaving.
    public var pipeEvents: AsyncStream<PipeEvent> { transport.pipeEvents }
    /// `LeaseJob` calls being held right now.
    public var parkedPolls: Int { parked.withLock { $0 } }

    private let transport: ReplyServer
    private let parked = Locked(0)

    /// Starts serving `url`.
    /// - Parameters:
    ///   - url: `ipc://…`, `tcp://host:port` (0 picks a port) or `tls+tcp://host:port`.
    ///   - options: token, versions, limits, TLS.
    ///   - service: the application.
    ///   - logger: where refused requests are logged.
    /// - Throws: ``NngError`` or ``TransportError`` when the endpoint cannot be served.
    public init(listeningOn url: String, options: RPCServerOptions, service: any RPCService, logger: Logger) throws {
        let parked = self.parked
        let core = RequestPipeline(
            options: options, service: service, logger: logger, codec: WireCodec(limits: options.limits),
            cache: ReplyCache(maxEntries: options.dedupeEntries, maxBytes: options.dedupeBytes), parked: parked)
        transport = try ReplyServer(listeningOn: url, options: options.transport) { request in
            await core.reply(to: request)
        }
    }

    /// Stops serving; held calls are abandoned (clients resend or time out).
    public func close() { transport.close() }
}
