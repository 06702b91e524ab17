// The RLE / bit-packing hybrid (parquet-format Encodings.md, "RLE = 3"):
//   encoded-data      := <run>*
//   run               := <bit-packed-run> | <rle-run>
//   bit-packed-run    := varint((groups << 1) | 1), then groups * bitWidth bytes,
//                        each group 8 values packed LSB first
//   rle-run           := varint(count << 1), then the value in ceil(bitWidth / 8) LE bytes
// Used here for dictionary indices. Runs of 8 or more equal values become RLE runs; the rest is
// bit-packed. Only the stream's last group is padded, since readers stop at the page's value count.

/// Encodes unsigned integers with the RLE / bit-packing hybrid.
public enum RLEHybridEncoder {
    /// Bit-packed runs are capped at 63 groups so their header stays one byte, as parquet-cpp does.
    static let maxGroupsPerLiteralRun = 63

    /// The bit width needed for values below `count` (at least 1).
    public static func bitWidth(forValuesBelow count: Int) -> Int {
        count <= 2 ? 1 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    /// Appends `values` encoded at `bitWidth` (1…32) to `out`. Every value must fit in `bitWidth` bits.
    public static func append(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, to out: inout [UInt8]) {
        precondition((1...32).contains(bitWidth), "bit width \(bitWidth) out of range")
        let n = values.count
        var literalStart = 0
        var i = 0
        while i < n {
            let value = values[i]
            var j = i &+ 1
            while j < n && values[j] == value { j &+= 1 }
            if j - i >= 8 {
                // Pad the pending literals to whole groups with values from this run.
                let pending = i - literalStart
                let runStart = pending % 8 == 0 ? i : i + (8 - pending % 8)
                if j - runStart >= 8 {
                    appendLiterals(
                        UnsafeBufferPointer(rebasing: values[literalStart..<runStart]), bitWidth: bitWidth, to: &out)
                    appendRun(value, count: j - runStart, bitWidth: bitWidth, to: &out)
                    literalStart = j
                }
            }
            i = j
        }
        appendLiterals(UnsafeBufferPointer(rebasing: values[literalStart..<n]), bitWidth: bitWidth, to: &out)
    }

    private static func appendRun(_ value: UInt32, count: Int, bitWidth: Int, to out: inout [UInt8]) {
        appendVarint(UInt64(count) << 1, to: &out)
        for byte in 0..<((bitWidth + 7) / 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * byte))) }
    }

    private static func appendLiterals(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, to out: inout [UInt8]) {
        var start = 0
        while start < values.count {
            let take = min(values.count - start, maxGroupsPerLiteralRun * 8)
            let groups = (take + 7) / 8
            appendVarint(UInt64(groups) << 1 | 1, to: &out)
            // Reserve the run's bytes zeroed, then pack into them directly: the padding of a
            // partial last group is already there.
            let byteStart = out.count
            out.append(contentsOf: repeatElement(0, count: groups * bitWidth))
            out.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress! + byteStart
                var written = 0
                var accumulator: UInt64 = 0
                var bits = 0
                for k in start..<(start + take) {
                    accumulator |= UInt64(values[k]) << UInt64(bits)
                    bits += bitWidth
                    while bits >= 8 {
                        base[written] = UInt8(truncatingIfNeeded: accumulator)
                        written += 1
                        accumulator >>= 8
                        bits -= 8
                    }
                }
                if bits > 0 { base[written] = UInt8(truncatingIfNeeded: accumulator) }
            }
            start += take
        }
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
