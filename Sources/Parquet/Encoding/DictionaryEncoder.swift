// Dictionary encoding (parquet-format Encodings.md, "Dictionary Encoding (RLE_DICTIONARY = 8)"):
// a chunk's distinct values go once into a PLAIN dictionary page; data pages hold one byte of
// bit width, then the values' dictionary indices in the RLE / bit-packing hybrid.
// Building stops as soon as the dictionary outgrows its limit: the column is then written PLAIN.

/// Builds the dictionary and index stream of a fixed-width column.
struct FixedWidthDictionaryEncoder<T: ParquetFixedWidthValue> {
    /// Distinct values in first-seen order; index i of the stream refers to `values[i]`.
    private(set) var values: [T] = []
    /// Open addressing with linear probing; a slot holds its key beside the index so a probe
    /// touches one place. `slotIndex` -1 marks an empty slot.
    private var slotKeys: [UInt64]
    private var slotIndex: [Int32]
    private var shift: UInt64
    private let maxEntries: Int

    init(maxEntries: Int) {
        self.maxEntries = maxEntries
        slotKeys = [UInt64](repeating: 0, count: 256)
        slotIndex = [Int32](repeating: -1, count: 256)
        shift = 64 - 8
    }

    /// The dictionary index of every value, or nil once the dictionary would exceed `maxEntries`.
    mutating func encode(_ input: UnsafeBufferPointer<T>) -> [UInt32]? {
        guard let first = input.first else { return [] }
        var failed = false
        let indices = [UInt32](unsafeUninitializedCapacity: input.count) { out, initialized in
            var previousKey = first.dictionaryKey
            guard var previousIndex = index(of: first) else {
                failed = true
                return
            }
            out[0] = previousIndex
            for i in 1..<input.count {
                let value = input[i]
                let key = value.dictionaryKey
                // Sorted archive columns repeat values in long runs: skip the hash probe for them.
                if key != previousKey {
                    guard let index = lookUp(key) ?? index(of: value) else {
                        failed = true
                        return
                    }
                    previousKey = key
                    previousIndex = index
                }
                out[i] = previousIndex
            }
            initialized = input.count
        }
        return failed ? nil : indices
    }

    private func lookUp(_ key: UInt64) -> UInt32? {
        slotKeys.withUnsafeBufferPointer { keys in
            slotIndex.withUnsafeBufferPointer { indices in
                let mask = keys.count - 1
                var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while true {
                    let entry = indices[slot]
                    if entry < 0 { return nil }
                    if keys[slot] == key { return UInt32(entry) }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func index(of value: T) -> UInt32? {
        let key = value.dictionaryKey
        if let known = lookUp(key) { return known }
        guard values.count < maxEntries else { return nil }
        insert(key, index: Int32(values.count))
        values.append(value)
        if values.count * 2 > slotIndex.count { grow() }
        return UInt32(values.count - 1)
    }

    private mutating func insert(_ key: UInt64, index: Int32) {
        let mask = slotIndex.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slotIndex[slot] >= 0 { slot = (slot + 1) & mask }
        slotKeys[slot] = key
        slotIndex[slot] = index
    }

    private mutating func grow() {
        slotKeys = [UInt64](repeating: 0, count: slotKeys.count * 2)
        slotIndex = [Int32](repeating: -1, count: slotIndex.count * 2)
        shift -= 1
        for (i, value) in values.enumerated() { insert(value.dictionaryKey, index: Int32(i)) }
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
