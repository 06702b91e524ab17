// The one file that binds libsnappy (raw block format, as Parquet's SNAPPY codec requires;
// never the framed "sNaPpY" stream format).
import CSnappy

/// A failure reported by libsnappy.
public struct SnappyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libsnappy function that failed.
    public var call: String
    /// The raw `snappy_status` value.
    public var status: Int

    public var description: String { "\(call) failed with snappy_status \(status)" }
}

/// Raw-block snappy compression over byte buffers.
public enum Snappy {
    /// Appends the snappy-compressed form of `input` to `output` and returns the compressed length.
    @discardableResult
    public static func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) -> Int {
        let bound = snappy_max_compressed_length(input.count)
        let start = output.count
        var written = bound
        output.append(contentsOf: repeatElement(0, count: bound))
        let status = output.withUnsafeMutableBufferPointer { out in
            let dst = UnsafeMutableRawPointer(out.baseAddress! + start).assumingMemoryBound(to: CChar.self)
            let src = input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(dst)
            return snappy_compress(src, input.count, dst, &written)
        }
        // The output was sized by snappy_max_compressed_length, so anything but OK is our bug.
        precondition(status == SNAPPY_OK, "snappy_compress failed (status \(status.rawValue)) after sizing")
        output.removeLast(bound - written)
        return written
    }

    /// Decompresses a raw snappy block.
    /// - Throws: ``SnappyError`` when `input` is not a valid snappy block.
    public static func uncompress(_ input: [UInt8]) throws -> [UInt8] {
        var length = 0
        let lengthStatus = input.withUnsafeBytes { raw in
            snappy_uncompressed_length(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &length)
        }
        guard lengthStatus == SNAPPY_OK else {
            throw SnappyError(call: "snappy_uncompressed_length", status: Int(lengthStatus.rawValue))
        }
        var output = [UInt8](repeating: 0, count: max(length, 1))
        var written = output.count
        let status = input.withUnsafeBytes { raw in
            output.withUnsafeMutableBytes { out in
                snappy_uncompress(
                    raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count,
                    out.baseAddress!.assumingMemoryBound(to: CChar.self), &written)
            }
        }
        guard status == SNAPPY_OK else { throw SnappyError(call: "snappy_uncompress", status: Int(status.rawValue)) }
        output.removeLast(output.count - written)
        return output
    }
}
