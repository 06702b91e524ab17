// Chunk statistics (parquet.thrift `Statistics`, notes §6): min_value/max_value are PLAIN bytes at
// the column's exact width; ints order signed, strings unsigned byte-wise; doubles leave NaN out,
// count it in nan_count, and write a zero min as -0.0 and a zero max as +0.0. For dictionary
// columns the statistics are taken over the dictionary, which holds exactly the chunk's values.

enum StatisticsBuilder {
    static func exact(min: [UInt8]?, max: [UInt8]?, nanCount: Int64? = nil) -> Statistics {
        Statistics(
            nullCount: 0, maxValue: max, minValue: min,
            isMaxValueExact: max == nil ? nil : true, isMinValueExact: min == nil ? nil : true, nanCount: nanCount)
    }

    static func of(_ values: UnsafeBufferPointer<Int32>) -> Statistics {
        guard var lo = values.first else { return exact(min: nil, max: nil) }
        var hi = lo
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        return exact(min: littleEndianBytes(lo), max: littleEndianBytes(hi))
    }

    static func of(_ values: UnsafeBufferPointer<Int64>) -> Statistics {
        guard var lo = values.first else { return exact(min: nil, max: nil) }
        var hi = lo
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        return exact(min: littleEndianBytes(lo), max: littleEndianBytes(hi))
    }

    static func of(_ values: UnsafeBufferPointer<Double>) -> Statistics {
        var lo = Double.infinity
        var hi = -Double.infinity
        var nans: Int64 = 0
        var any = false
        for v in values {
            if v.isNaN {
                nans += 1
                continue
            }
            any = true
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        guard any else { return exact(min: nil, max: nil, nanCount: nans) }
        if lo == 0 { lo = -0.0 }
        if hi == 0 { hi = 0.0 }
        return exact(min: littleEndianBytes(lo.bitPattern), max: littleEndianBytes(hi.bitPattern), nanCount: nans)
    }

    static func of(_ values: UnsafeBufferPointer<Bool>) -> Statistics {
        guard !values.isEmpty else { return exact(min: nil, max: nil) }
        var sawTrue = false
        var sawFalse = false
        for v in values {
            if v { sawTrue = true } else { sawFalse = true }
            if sawTrue && sawFalse { break }
        }
        return exact(min: [sawFalse ? 0 : 1], max: [sawTrue ? 1 : 0])
    }

    static func of(_ values: some Collection<[UInt8]>) -> Statistics {
        guard var lo = values.first else { return exact(min: nil, max: nil) }
        var hi = lo
        for v in values {
            // [UInt8] compares lexicographically by unsigned bytes: the order Parquet defines for UTF8.
            if v.lexicographicallyPrecedes(lo) { lo = v }
            if hi.lexicographicallyPrecedes(v) { hi = v }
        }
        return exact(min: lo, max: hi)
    }

    private static func littleEndianBytes<I: FixedWidthInteger>(_ value: I) -> [UInt8] {
        (0..<(I.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
