import CProtobufC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns every C allocation made while building one protobuf-c message tree for
/// packing; everything is freed when the arena goes away, so no pointer outlives the
/// encode call. Never pass a tree built here to `*_free_unpacked`.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit {
        for block in blocks { free(block) }
    }

    private func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        guard let block = malloc(max(bytes, 1)) else { preconditionFailure("out of memory allocating \(bytes) bytes") }
        blocks.append(block)
        return block
    }

    /// A NUL-terminated copy of `text`.
    func string(_ text: String, field: String) throws -> UnsafeMutablePointer<CChar> {
        var text = text
        return try text.withUTF8 { utf8 in
            if let base = utf8.baseAddress, memchr(base, 0, utf8.count) != nil {
                throw WireError.embeddedNUL(field: field)
            }
            let out = allocate(utf8.count + 1).assumingMemoryBound(to: CChar.self)
            if let base = utf8.baseAddress { memcpy(out, base, utf8.count) }
            out[utf8.count] = 0
            return out
        }
    }

    /// A copy of `bytes` as protobuf-c binary data.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let out = allocate(bytes.count).assumingMemoryBound(to: UInt8.self)
        bytes.withUnsafeBufferPointer { _ = memcpy(out, $0.baseAddress!, $0.count) }
        return ProtobufCBinaryData(len: bytes.count, data: out)
    }

    /// A C array holding `values` mapped through `transform`; `nil` when empty.
    func array<S, T>(_ values: [S], _ transform: (S) throws -> T) rethrows -> (Int, UnsafeMutablePointer<T>?) {
        guard !values.isEmpty else { return (0, nil) }
        let out = allocate(values.count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: values.count)
        for (i, value) in values.enumerated() { (out + i).initialize(to: try transform(value)) }
        return (values.count, out)
    }

    /// A C array holding `values` bit for bit (same layout); `nil` when empty.
    func copy<T>(_ values: [T]) -> (Int, UnsafeMutablePointer<T>?) {
        guard !values.isEmpty else { return (0, nil) }
        let out = allocate(values.count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: values.count)
        values.withUnsafeBufferPointer { _ = memcpy(out, $0.baseAddress!, $0.count * MemoryLayout<T>.stride) }
        return (values.count, out)
    }

    /// A zeroed message struct, initialised by its generated `*__init`.
    func message<T>(_ initialise: (UnsafeMutablePointer<T>?) -> Void) -> UnsafeMutablePointer<T> {
        let out = allocate(MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
        memset(out, 0, MemoryLayout<T>.stride)
        initialise(out)
        return out
    }

    /// An array of message pointers, one per value, each initialised and then filled.
    func messages<S, T>(
        _ values: [S], _ initialise: (UnsafeMutablePointer<T>?) -> Void,
        _ fill: (UnsafeMutablePointer<T>, S) throws -> Void
    ) rethrows -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<T>?>?) {
        try array(values) { value -> UnsafeMutablePointer<T>? in
            let m: UnsafeMutablePointer<T> = message(initialise)
            try fill(m, value)
            return m
        }
    }
}
