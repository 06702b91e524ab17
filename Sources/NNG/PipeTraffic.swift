import CNNG

/// Messages a socket's open connections have carried, from NNG's own per-pipe
/// statistics (`rx_msgs`/`tx_msgs`, counted by the transport as each message is
/// completely read or written). A connection that has closed no longer counts.
public struct PipeTraffic: Sendable, Equatable {
    /// Messages read off the wire, including replies the REQ protocol then discards
    /// (answers to resent copies of a request already answered).
    public var messagesReceived: Int
    /// Messages written to the wire, including NNG's resent copies of a request.
    public var messagesSent: Int

    public init(messagesReceived: Int = 0, messagesSent: Int = 0) {
        self.messagesReceived = messagesReceived
        self.messagesSent = messagesSent
    }

    /// Sums the pipe statistics of `socket`; zero when NNG was built without statistics.
    static func of(_ socket: nng_socket) -> PipeTraffic {
        var root: OpaquePointer?
        guard nng_stats_get(&root) == 0, let root else { return PipeTraffic() }
        defer { nng_stats_free(root) }
        let socketID = UInt64(nng_socket_id(socket))
        var total = PipeTraffic()
        var scope = nng_stat_child(root)
        while let current = scope {
            scope = nng_stat_next(current)
            guard String(cString: nng_stat_name(current)) == "pipe",
                let owner = nng_stat_find(current, "socket"), nng_stat_value(owner) == socketID
            else { continue }
            if let rx = nng_stat_find(current, "rx_msgs") { total.messagesReceived += Int(nng_stat_value(rx)) }
            if let tx = nng_stat_find(current, "tx_msgs") { total.messagesSent += Int(nng_stat_value(tx)) }
        }
        return total
    }
}
