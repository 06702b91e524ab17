/// SplitMix64: tiny, fast, and good enough for test data; every stream is seeded from the spec, so
/// any (file, meter) series can be regenerated alone, on any thread.
struct SplitMix: Sendable {
    var state: UInt64

    init(_ seed: UInt64) { state = seed }

    /// A stream for a tuple of keys: each key is mixed in, so neighbouring tuples give unrelated streams.
    init(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) {
        state = SplitMix.mix(SplitMix.mix(SplitMix.mix(SplitMix.mix(a) ^ b) ^ c) ^ d)
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n (n ≥ 1).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Whether an event of probability p happens.
    mutating func chance(_ p: Double) -> Bool { p > 0 && unit() < p }

    /// Roughly standard normal (sum of four uniforms, rescaled): cheap and bounded (|z| < 3.5).
    mutating func normal() -> Double {
        (unit() + unit() + unit() + unit() - 2) * 1.7320508075688772
    }
}
