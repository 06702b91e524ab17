// Dictionary encoding (parquet-format Encodings.md, "Dictionary Encoding (RLE_DICTIONARY = 8)"):
// a chunk's distinct values go once into a PLAIN dictionary page; data pages hold one byte of
// bit width, then the values' dictionary indices in the RLE / bit-packing hybrid.
// Building stops as soon as the dictionary outgrows its limit: the column is then written PLAIN.

/// Builds the dictionary and index stream of a fixed-width column.
struct FixedWidthDictionaryEncoder<T: ParquetFixedWidthValue> {
    /// Distinct values in first-seen order; index i of the stream refers to `values[i]`.
    private(set) var values: [T] = []
    private var slots: [Int32]
    private var shift: UInt64
    private let maxEntries: Int

    init(maxEntries: Int) {
        self.maxEntries = maxEntries
        slots = [Int32](repeating: -1, count: 256)
        shift = 64 - 8
    }

    /// The dictionary index of every value, or nil once the dictionary would exceed `maxEntries`.
    mutating func encode(_ input: UnsafeBufferPointer<T>) -> [UInt32]? {
        var indices = [UInt32](repeating: 0, count: input.count)
        let ok = indices.withUnsafeMutableBufferPointer { out -> Bool in
            guard let first = input.first else { return true }
            var previous = first
            guard var previousIndex = index(of: first) else { return false }
            out[0] = previousIndex
            for i in 1..<input.count {
                let value = input[i]
                // Sorted archive columns repeat values in long runs: skip the hash probe for them.
                if value.dictionaryKey != previous.dictionaryKey {
                    guard let index = index(of: value) else { return false }
                    previous = value
                    previousIndex = index
                }
                out[i] = previousIndex
            }
            return true
        }
        return ok ? indices : nil
    }

    private mutating func index(of value: T) -> UInt32? {
        let key = value.dictionaryKey
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        let mask = slots.count - 1
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            if values[Int(entry)].dictionaryKey == key { return UInt32(entry) }
            slot = (slot + 1) & mask
        }
        guard values.count < maxEntries else { return nil }
        slots[slot] = Int32(values.count)
        values.append(value)
        if values.count * 2 > slots.count { grow() }
        return UInt32(values.count - 1)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for (i, value) in values.enumerated() {
            var slot = Int(truncatingIfNeeded: (value.dictionaryKey &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }
}

/// Builds the dictionary and index stream of a byte-array column.
struct ByteArrayDictionaryEncoder {
    /// Distinct values in first-seen order.
    private(set) var values: [[UInt8]] = []
    /// PLAIN-encoded size of `values` (length prefixes included).
    private(set) var plainSize = 0
    private var lookup: [[UInt8]: UInt32] = [:]
    private let maxBytes: Int

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// The dictionary index of every value, or nil once the dictionary's PLAIN size would exceed `maxBytes`.
    mutating func encode(_ input: ArraySlice<[UInt8]>) -> [UInt32]? {
        var indices: [UInt32] = []
        indices.reserveCapacity(input.count)
        var previous: [UInt8]? = nil
        var previousIndex: UInt32 = 0
        for value in input {
            if value != previous {
                if let known = lookup[value] {
                    previousIndex = known
                } else {
                    plainSize += 4 + value.count
                    guard plainSize <= maxBytes else { return nil }
                    previousIndex = UInt32(values.count)
                    lookup[value] = previousIndex
                    values.append(value)
                }
                previous = value
            }
            indices.append(previousIndex)
        }
        return indices
    }
}
