import CNNG
import Synchronization

/// A connection (NNG "pipe") joining or leaving a socket.
///
/// Pipe ids are random and new on every reconnect, and a vanished host may never
/// produce `.removed` (half-open TCP), so treat these as hints; heartbeats are the
/// real liveness signal.
public struct PipeEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case added
        case removed
    }

    public var kind: Kind
    /// NNG's id of the connection; requests carry the same id (``ServerRequest/pipeID``).
    public var pipeID: UInt32
    /// The peer's address as recorded when the pipe was added, e.g. "127.0.0.1:50122"
    /// or "ipc"; the same text is repeated on `.removed`.
    public var remoteAddress: String
}

/// Receives NNG's pipe callbacks and forwards them into an `AsyncStream`. The
/// callback only formats the address and yields (never blocks), as NNG requires.
final class PipeEventSource: @unchecked Sendable {
    let events: AsyncStream<PipeEvent>
    private let continuation: AsyncStream<PipeEvent>.Continuation
    private let addresses = Mutex([UInt32: String]())

    init() {
        (events, continuation) = AsyncStream.makeStream(of: PipeEvent.self, bufferingPolicy: .bufferingNewest(4096))
    }

    /// Registers for ADD_POST and REM_POST on `socket`. The source must stay alive
    /// until ``unregister(from:)`` has returned.
    func register(on socket: nng_socket) {
        let arg = Unmanaged.passUnretained(self).toOpaque()
        NngError.mustSucceed(nng_pipe_notify(socket, NNG_PIPE_EV_ADD_POST, pipeEventCallback, arg), "nng_pipe_notify")
        NngError.mustSucceed(nng_pipe_notify(socket, NNG_PIPE_EV_REM_POST, pipeEventCallback, arg), "nng_pipe_notify")
    }

    /// Removes the callbacks. NNG runs pipe callbacks under the socket's pipe lock,
    /// which nng_pipe_notify also takes, so no callback is running once this returns.
    func unregister(from socket: nng_socket) {
        _ = nng_pipe_notify(socket, NNG_PIPE_EV_ADD_POST, nil, nil)
        _ = nng_pipe_notify(socket, NNG_PIPE_EV_REM_POST, nil, nil)
        continuation.finish()
    }

    fileprivate func handle(pipe: nng_pipe, event: nng_pipe_ev) {
        let id = UInt32(bitPattern: nng_pipe_id(pipe))
        if event == NNG_PIPE_EV_ADD_POST {
            // Read the address now: at REM_POST it may already be gone (ENOTCONN).
            let address = Self.remoteAddress(of: pipe)
            addresses.withLock { $0[id] = address }
            continuation.yield(PipeEvent(kind: .added, pipeID: id, remoteAddress: address))
        } else if event == NNG_PIPE_EV_REM_POST {
            let address = addresses.withLock { $0.removeValue(forKey: id) } ?? "unknown"
            continuation.yield(PipeEvent(kind: .removed, pipeID: id, remoteAddress: address))
        }
    }

    private static func remoteAddress(of pipe: nng_pipe) -> String {
        var sa = nng_sockaddr()
        guard nng_pipe_get_addr(pipe, NNG_OPT_REMADDR, &sa) == 0 else { return "unknown" }
        switch Int(sa.s_family) {
        case Int(NNG_AF_INET.rawValue):
            let a = UInt32(bigEndian: sa.s_in.sa_addr)
            let port = UInt16(bigEndian: sa.s_in.sa_port)
            return "\(a >> 24).\((a >> 16) & 0xff).\((a >> 8) & 0xff).\(a & 0xff):\(port)"
        case Int(NNG_AF_INET6.rawValue):
            let port = UInt16(bigEndian: sa.s_in6.sa_port)
            let bytes = withUnsafeBytes(of: sa.s_in6.sa_addr) { Array($0) }
            let groups = stride(from: 0, to: 16, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }
            return "[\(groups.joined(separator: ":"))]:\(port)"
        case Int(NNG_AF_IPC.rawValue):
            return "ipc"
        default:
            return "unknown"
        }
    }
}

private let pipeEventCallback: @convention(c) (nng_pipe, nng_pipe_ev, UnsafeMutableRawPointer?) -> Void = {
    pipe, event, arg in
    guard let arg else { return }
    Unmanaged<PipeEventSource>.fromOpaque(arg).takeUnretainedValue().handle(pipe: pipe, event: event)
}
