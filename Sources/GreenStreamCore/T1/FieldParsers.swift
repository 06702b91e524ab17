/// Per-field T1 parsers over bytes (R-T1-1, R-T1-3, R-T1-4). No Strings, no Foundation.
enum FieldParsers {
    /// R-T1-1: decimal digits only, 1…Int64.max, leading zeros allowed.
    static func meterID(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !b.isEmpty else { return nil }
        var value: Int64 = 0
        for c in b {
            let d = c &- 48
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1 && !o2 else { return nil }
            value = s
        }
        return value >= 1 ? value : nil
    }

    /// The outcome of reading a value field (R-T1-3).
    enum Value: Equatable {
        case missing
        case number(Double)
        case invalid
    }

    /// R-T1-3: missing markers, or a decimal number `[+-](d+[.d*]|.d+)([eE][+-]d+)`.
    static func value(_ b: UnsafeBufferPointer<UInt8>) -> Value {
        let n = b.count
        if n == 0 { return .missing }
        if isMissingMarker(b) { return .missing }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") {
            negative = b[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0  // digits accumulated into mantissa, leading zeros excluded
        var dropped = 0  // integer digits beyond 19 significant ones
        var exponent = 0
        var intDigits = 0
        var fracDigits = 0
        while i < n, b[i] &- 48 < 10 {
            let d = UInt64(b[i] &- 48)
            if significant < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa * 10 + d
                    significant += 1
                }
            } else {
                dropped += 1
            }
            intDigits += 1
            i += 1
        }
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, b[i] &- 48 < 10 {
                let d = UInt64(b[i] &- 48)
                if significant < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa * 10 + d
                        significant += 1
                    }
                    exponent -= 1
                } else {
                    dropped += 1
                }
                fracDigits += 1
                i += 1
            }
        }
        guard intDigits + fracDigits > 0 else { return .invalid }
        let truncated = dropped > 0
        if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            var e = 0
            while i < n, b[i] &- 48 < 10 {
                if e < 1_000_000 { e = e * 10 + Int(b[i] &- 48) }
                i += 1
            }
            guard i > expStart else { return .invalid }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return .invalid }
        if mantissa == 0 && !truncated { return .number(0) }  // `-0` is zero
        if !truncated && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            // Clinger's fast path: both operands exact, so one rounding.
            var v = Double(mantissa)
            if exponent < 0 { v /= powersOfTen[-exponent] } else { v *= powersOfTen[exponent] }
            return .number(negative ? -v : v)
        }
        // Rare: let the standard library round the literal correctly.
        let text = String(decoding: b, as: UTF8.self)
        guard let v = Double(normalizedLiteral(text)), v.isFinite else { return .invalid }
        return .number(v == 0 ? 0 : v)
    }

    /// `5.` and `.5` are valid here; give the standard library a form it surely accepts.
    private static func normalizedLiteral(_ text: String) -> String {
        var s = text
        if let dot = s.firstIndex(of: ".") {
            let after = s.index(after: dot)
            if after == s.endIndex || !(s[after].isASCII && s[after].isNumber) {
                s.insert("0", at: after)
            }
            if dot == s.startIndex || !(s[s.index(before: dot)].isNumber) {
                s.insert("0", at: dot)
            }
        }
        return s
    }

    private static let powersOfTen: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }

    /// `NULL`, `NA`, `N/A`, `NaN` in any case.
    private static func isMissingMarker(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func lower(_ c: UInt8) -> UInt8 { c | 0x20 }
        switch b.count {
        case 2: return lower(b[0]) == 0x6E && lower(b[1]) == 0x61
        case 3:
            let c2 = lower(b[2])
            return lower(b[0]) == 0x6E && ((lower(b[1]) == 0x61 && c2 == 0x6E) || (b[1] == 0x2F && c2 == 0x61))
        case 4:
            return lower(b[0]) == 0x6E && lower(b[1]) == 0x75 && lower(b[2]) == 0x6C && lower(b[3]) == 0x6C
        default: return false
        }
    }

    /// What a unit does to a value (R-T1-4).
    enum Unit: Equatable {
        /// Power, with the prefix of `W`.
        case power(Prefix)
        /// Energy, with the prefix of `Wh`.
        case energy(Prefix)
    }

    /// The SI prefix of a unit, relative to kilo.
    enum Prefix: Equatable {
        case none, kilo, mega

        /// The value in kilo units: ÷ 1000, as is, × 1000 (R-T1-4 states the operations).
        @inline(__always)
        func toKilo(_ v: Double) -> Double {
            switch self {
            case .none: v / 1000
            case .kilo: v
            case .mega: v * 1000
            }
        }
    }

    /// R-T1-4: `W`, `kW`, `MW`, `Wh`, `kWh`, `MWh` in any case, but a lowercase `m` is never mega.
    static func unit(_ b: UnsafeBufferPointer<UInt8>) -> Unit? {
        var i = 0
        var scale = 0  // -1: W (÷1000), 0: k, 1: M
        guard !b.isEmpty else { return nil }
        switch b[0] {
        case UInt8(ascii: "k"), UInt8(ascii: "K"):
            scale = 0
            i = 1
        case UInt8(ascii: "M"):
            scale = 1
            i = 1
        case UInt8(ascii: "w"), UInt8(ascii: "W"):
            scale = -1
        default: return nil
        }
        guard i < b.count, b[i] | 0x20 == UInt8(ascii: "w") else { return nil }
        i += 1
        var energy = false
        if i < b.count {
            guard b[i] | 0x20 == UInt8(ascii: "h"), i + 1 == b.count else { return nil }
            energy = true
        }
        let prefix: Prefix = scale == -1 ? .none : (scale == 0 ? .kilo : .mega)
        return energy ? .energy(prefix) : .power(prefix)
    }
}
