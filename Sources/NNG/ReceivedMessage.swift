import CNNG

/// A message NNG received, kept as NNG's own buffer: the server hands it to the
/// application without copying, so a request the application refuses after reading
/// a few bytes of it (a wrong token) costs no copy of its body. Freed when the last
/// reference goes.
public final class ReceivedMessage: @unchecked Sendable {
    // Immutable after receipt: readers on any thread see the same bytes.
    private let msg: OpaquePointer

    /// Takes ownership of `msg`.
    init(taking msg: OpaquePointer) {
        self.msg = msg
    }

    /// A message holding a copy of `bytes` (tests, tools).
    public convenience init(copying bytes: [UInt8]) {
        var msg: OpaquePointer?
        NngError.mustSucceed(nng_msg_alloc(&msg, bytes.count), "nng_msg_alloc")
        if !bytes.isEmpty {
            bytes.withUnsafeBytes { nng_msg_body(msg).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        self.init(taking: msg!)
    }

    deinit { nng_msg_free(msg) }

    /// The body's length in bytes.
    public var count: Int { nng_msg_len(msg) }

    /// Calls `body` with the message body; the pointer is valid only inside `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: nng_msg_body(msg), count: nng_msg_len(msg)))
    }
}
