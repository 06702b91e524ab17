import Foundation

/// An exact sum of kW values as PostgreSQL's `numeric` holds them (R-H-2).
///
/// The rollup defines a reading's contribution as `kw::numeric`, which in PostgreSQL 15 is the
/// double rounded to 15 significant digits (`float8_numeric` prints it with `%.15g`). Summing
/// those decimals is exact and independent of order, so a sum kept by adding and subtracting
/// contributions as files land and get corrected equals `sum(kw::numeric)` over the readings.
/// This type computes the same contributions and sums on the client, so the commit can send
/// finished per-hour sums (COPY of new hours, deltas for stored ones) instead of every reading.
///
/// The sum is `units × 10^-scale` in 128 bits. A sum that does not fit (values some 23 or more
/// decimal orders apart in one hour) sets ``overflowed``; the commit then recomputes that hour
/// from `readings` in SQL instead.
struct DecimalSum: Equatable {
    private(set) var units: Int128 = 0
    /// Digits after the decimal point; negative for sums that are multiples of a power of ten.
    private(set) var scale = 0
    /// A term could not be added exactly; the value is unusable.
    private(set) var overflowed = false

    init() {}

    /// `kw::numeric` of PostgreSQL 15 as `units × 10^-scale`, with trailing zeros removed.
    static func contribution(of x: Double) -> (units: Int64, scale: Int) {
        if x == 0 { return (0, 0) }
        // Fast path for the usual meter values (few decimals): a decimal of at most 15
        // significant digits whose nearest double is x is what %.15g prints (DBL_DIG = 15
        // digits survive the round trip, so there is exactly one such decimal).
        for k in 0..<powersOfTen.count {
            let y = x * powersOfTen[k]
            guard abs(y) < 1e15 else { break }
            if y == y.rounded(), Double(Int64(y)) / powersOfTen[k] == x {
                return normalized(Int64(y), k)
            }
        }
        return printed(x)
    }

    /// The %.15g rounding through the C library, as PostgreSQL does it.
    private static func printed(_ x: Double) -> (units: Int64, scale: Int) {
        var buffer = [CChar](repeating: 0, count: 40)
        let length = buffer.withUnsafeMutableBufferPointer { p in
            withVaList([x]) { vsnprintf(p.baseAddress, 40, "%.14e", $0) }
        }
        // "-d.dddddddddddddde-XX": sign, 15 digits, exponent.
        var units: Int64 = 0
        var negative = false
        var i = 0
        let bytes = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        while i < bytes.count, bytes[i] != UInt8(ascii: "e") {
            if bytes[i] != UInt8(ascii: ".") { units = units * 10 + Int64(bytes[i] - 48) }
            i += 1
        }
        let exponent = Int(String(decoding: bytes[(i + 1)...], as: UTF8.self)) ?? 0
        return normalized(negative ? -units : units, 14 - exponent)
    }

    private static func normalized(_ units: Int64, _ scale: Int) -> (units: Int64, scale: Int) {
        var u = units
        var s = scale
        while u != 0 && u % 10 == 0 {
            u /= 10
            s -= 1
        }
        return (u, s)
    }

    private static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]

    /// Adds `kw::numeric`.
    mutating func add(_ x: Double) {
        let c = Self.contribution(of: x)
        add(units: c.units, scale: c.scale)
    }

    /// Subtracts `kw::numeric`.
    mutating func subtract(_ x: Double) {
        let c = Self.contribution(of: x)
        add(units: -c.units, scale: c.scale)
    }

    private mutating func add(units termUnits: Int64, scale termScale: Int) {
        guard !overflowed, termUnits != 0 else { return }
        var term = Int128(termUnits)
        if units == 0 {
            units = term
            scale = termScale
            return
        }
        if termScale > scale {
            guard let widened = Self.times10(units, termScale - scale) else { return overflowed = true }
            units = widened
            scale = termScale
        } else if termScale < scale {
            guard let widened = Self.times10(term, scale - termScale) else { return overflowed = true }
            term = widened
        }
        let (sum, overflow) = units.addingReportingOverflow(term)
        if overflow { return overflowed = true }
        units = sum
    }

    private static func times10(_ value: Int128, _ power: Int) -> Int128? {
        var v = value
        for _ in 0..<power {
            let (r, o) = v.multipliedReportingOverflow(by: 10)
            if o { return nil }
            v = r
        }
        return v
    }

    /// Digits of |units| and the sign, with the decimal point placed: ("123", "45") for 123.45.
    private var parts: (negative: Bool, integer: String, fraction: String) {
        let digits = String(units.magnitude)
        if units == 0 { return (false, "0", String(repeating: "0", count: max(scale, 0))) }
        if scale <= 0 { return (units < 0, digits + String(repeating: "0", count: -scale), "") }
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return (units < 0, String(padded[..<split]), String(padded[split...]))
    }

    /// numeric_send bytes computed with integer arithmetic; nil when rescaling overflows (the
    /// string-based path then handles the value).
    private var numericBinaryByArithmetic: [UInt8]? {
        var magnitude = units.magnitude
        var s = scale
        if s < 0 {
            guard let widened = Self.times10(Int128(bitPattern: magnitude), -s), widened >= 0 else { return nil }
            magnitude = widened.magnitude
            s = 0
        }
        // Align the decimal point to a base-10000 digit boundary.
        let pad = (4 - s % 4) % 4
        guard let aligned = Self.times10(Int128(bitPattern: magnitude), pad), aligned >= 0 else { return nil }
        magnitude = aligned.magnitude
        let fractionGroups = (s + pad) / 4
        var groups: [Int16] = []  // least significant first
        while magnitude > 0 {
            groups.append(Int16(magnitude % 10_000))
            magnitude /= 10_000
        }
        var weight = groups.count - fractionGroups - 1
        var low = 0
        while low < groups.count && groups[low] == 0 { low += 1 }
        if low == groups.count { weight = 0 }
        var out: [UInt8] = []
        out.reserveCapacity(8 + 2 * (groups.count - low))
        func put(_ v: Int16) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
        put(Int16(groups.count - low))
        put(Int16(weight))
        put(units < 0 && low < groups.count ? 0x4000 : 0)
        put(Int16(max(scale, 0)))
        for g in groups[low...].reversed() { put(g) }
        return out
    }

    /// The value as a `numeric` literal, e.g. `-0.0000001` or `12345`.
    var literal: String {
        let p = parts
        return (p.negative ? "-" : "") + p.integer + (p.fraction.isEmpty ? "" : "." + p.fraction)
    }

    /// The value in `numeric_send` form (base-10000 digits), for binary COPY.
    var numericBinary: [UInt8] { numericBinaryByArithmetic ?? numericBinaryFromDigits }

    /// numeric_send bytes built from the decimal digits: the general path (any scale).
    var numericBinaryFromDigits: [UInt8] {
        let p = parts
        func groups(_ s: String, padLeft: Bool) -> [Int16] {
            let pad = (4 - s.utf8.count % 4) % 4
            let zeros = String(repeating: "0", count: pad)
            let text = Array((padLeft ? zeros + s : s + zeros).utf8)
            return stride(from: 0, to: text.count, by: 4).map { i in
                text[i..<i + 4].reduce(Int16(0)) { $0 * 10 + Int16($1 - 48) }
            }
        }
        let integer = groups(p.integer, padLeft: true)
        var digits = integer + groups(p.fraction, padLeft: false)
        var weight = integer.count - 1
        while let first = digits.first, first == 0 {
            digits.removeFirst()
            weight -= 1
        }
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { weight = 0 }
        var out: [UInt8] = []
        out.reserveCapacity(8 + 2 * digits.count)
        func put(_ v: Int16) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
        put(Int16(digits.count))
        put(Int16(weight))
        put(p.negative && !digits.isEmpty ? 0x4000 : 0)
        put(Int16(max(scale, 0)))
        digits.forEach(put)
        return out
    }
}
