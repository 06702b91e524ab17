/// Writes CSV bytes for planned rows: hot loop, no String formatting, no Foundation.
struct RowWriter {
    var bytes: [UInt8] = []

    static let pow10: [Double] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]
    static let pow10Int: [Int64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]

    /// Timestamp spellings (offsets in seconds; Berlin follows the EU DST rule):
    /// 0 `2026-03-28T00:15:00Z`, 1 `2026-03-28 01:15:00+01:00` (Berlin), 2 `2026-03-28T01:15+0100`
    /// (Berlin), 3 `2026-03-28T00:15:00.000Z`, 4 `2026-03-28 00:15:00` (no designator: read in the
    /// source zone, used only while it is UTC), 5 `2026-03-27T19:15:00-05`,
    /// 6 `2026-03-28T05:45:00.000000+05:30`, 7 `2026-03-28T00:15+00:00`.
    static let timestampStyles = 8
    static let naiveStyle: UInt8 = 4

    /// Zones the generator can write local times without a designator for (R-T1-2).
    enum NaiveZone: Sendable {
        case utc
        case berlin
    }

    @inline(__always) mutating func ascii(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }

    @inline(__always) mutating func digits2(_ v: Int64) {
        bytes.append(48 + UInt8(v / 10))
        bytes.append(48 + UInt8(v % 10))
    }

    mutating func digits4(_ v: Int64) {
        digits2(v / 100)
        digits2(v % 100)
    }

    /// A non-negative integer in decimal, at least `width` digits.
    mutating func integer(_ v: UInt64, width: Int = 1) {
        var tmp:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { buf in
            repeat {
                buf[n] = 48 + UInt8(x % 10)
                x /= 10
                n += 1
            } while x > 0
            while n < width {
                buf[n] = 48
                n += 1
            }
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(buf[i]) }
        }
    }

    /// Date and time of `local` (seconds, already shifted by the offset): `YYYY-MM-DD`, separator, `hh:mm`.
    mutating func localDateTime(_ local: Int64, separator: UInt8) {
        let days = CivilTime.floorDiv(local, 86_400)
        let sod = local - days * 86_400
        let (y, mo, d) = CivilTime.civil(fromDays: days)
        digits4(y)
        byte(45)
        digits2(mo)
        byte(45)
        digits2(d)
        byte(separator)
        digits2(sod / 3600)
        byte(58)
        digits2((sod / 60) % 60)
    }

    /// `±hh:mm` (colon) or `±hhmm`.
    mutating func offset(_ seconds: Int64, colon: Bool) {
        byte(seconds < 0 ? 45 : 43)
        let a = abs(seconds)
        digits2(a / 3600)
        if colon { byte(58) }
        digits2((a / 60) % 60)
    }

    /// A valid timestamp for instant `t` (unix seconds, whole minutes) in spelling `style`; the spelling
    /// without a designator is local time in `naive` (UTC or Europe/Berlin).
    mutating func timestamp(_ t: Int64, style: UInt8, naive: NaiveZone = .utc) {
        switch style {
        case 1:
            let o = CivilTime.berlinOffset(unixSeconds: t)
            localDateTime(t + o, separator: 32)
            ascii(":00")
            offset(o, colon: true)
        case 2:
            let o = CivilTime.berlinOffset(unixSeconds: t)
            localDateTime(t + o, separator: 84)
            offset(o, colon: false)
        case 3:
            localDateTime(t, separator: 84)
            ascii(":00.000Z")
        case 4:
            localDateTime(naive == .berlin ? t + CivilTime.berlinOffset(unixSeconds: t) : t, separator: 32)
            ascii(":00")
        case 5:
            localDateTime(t - 18_000, separator: 84)
            ascii(":00-05")
        case 6:
            localDateTime(t + 19_800, separator: 84)
            ascii(":00.000000+05:30")
        case 7:
            localDateTime(t, separator: 84)
            ascii("+00:00")
        default:
            localDateTime(t, separator: 84)
            ascii(":00Z")
        }
    }

    /// An invalid timestamp near instant `t` (R-T1-2): impossible dates and times, lowercase `t`,
    /// another date format, an offset beyond ±23:59, or nothing.
    mutating func badTimestamp(_ t: Int64, variant: UInt8) {
        switch variant % 7 {
        case 0:
            ascii("2026-02-30T10:00:00Z")
        case 1:
            localDateTime(t, separator: 84)
            bytes.removeLast(5)
            ascii("24:00:00Z")
        case 2:
            localDateTime(t, separator: 116)
            ascii(":00Z")
        case 3:
            let days = CivilTime.floorDiv(t, 86_400)
            let (y, mo, d) = CivilTime.civil(fromDays: days)
            digits2(d)
            byte(47)
            digits2(mo)
            byte(47)
            digits4(y)
            ascii(" 12:00")
        case 4:
            localDateTime(t, separator: 84)
            ascii(":00+24:00")
        case 5:
            localDateTime(t, separator: 84)
            bytes.removeLast(2)
            ascii("60:00Z")
        default:
            break
        }
    }

    /// A meter id with `zeros` leading zeros.
    mutating func meterID(_ id: Int64, zeros: UInt8) {
        for _ in 0..<zeros { byte(48) }
        integer(UInt64(id))
    }

    /// An invalid meter id (R-T1-1).
    mutating func badMeterID(_ id: Int64, variant: UInt8) {
        switch variant % 7 {
        case 0:
            byte(77)
            integer(UInt64(id))  // M123
        case 1: byte(48)  // 0
        case 2:
            byte(45)
            integer(UInt64(id))  // -123
        case 3:
            integer(UInt64(id))
            ascii("a")
        case 4: ascii("99999999999999999999")  // overflows Int64
        case 5:
            integer(UInt64(id) / 1000)
            byte(32)
            integer(UInt64(id) % 1000, width: 3)  // inner space
        default: break  // empty
        }
    }

    /// `mantissa / 10^decimals` in spelling `style`: 0 plain, 1 exponent (`12345e-4`), 2 no leading zero
    /// (`.5`) or trailing dot (`5.`), 3 quoted, 4 padded with spaces and tabs, 5 leading `+`.
    mutating func decimal(_ mantissa: Int64, decimals: Int, style: UInt8, negativeZero: Bool) {
        let negative = mantissa < 0 || negativeZero
        let a = UInt64(abs(mantissa))
        if style == 1 {
            if negative { byte(45) }
            integer(a)
            if decimals > 0 {
                ascii("e-")
                integer(UInt64(decimals))
            }
            return
        }
        if style == 3 { byte(34) }
        if style == 4 { ascii(" \t") }
        if negative { byte(45) } else if style == 5 { byte(43) }
        let p = UInt64(RowWriter.pow10Int[decimals])
        let intPart = a / p
        let frac = a % p
        if style == 2 && intPart == 0 && frac != 0 {
            byte(46)
            integer(frac, width: decimals)
        } else if style == 2 && frac == 0 {
            integer(intPart)
            byte(46)
        } else {
            integer(intPart)
            if decimals > 0 {
                byte(46)
                integer(frac, width: decimals)
            }
        }
        if style == 3 { byte(34) }
        if style == 4 { ascii("  ") }
    }

    /// Unit text in one of its accepted spellings (R-T1-4; never a lowercase `m` for mega).
    mutating func unit(_ u: PlannedRow.Unit, variant: UInt8) {
        switch (u, variant % 4) {
        case (.w, 0), (.w, 2): ascii("W")
        case (.w, _): ascii("w")
        case (.kw, 0): ascii("kW")
        case (.kw, 1): ascii("KW")
        case (.kw, 2): ascii("kw")
        case (.kw, _): ascii("Kw")
        case (.mw, 1): ascii("Mw")
        case (.mw, _): ascii("MW")
        case (.wh, 0): ascii("Wh")
        case (.wh, 1): ascii("WH")
        case (.wh, _): ascii("wh")
        case (.kwh, 0): ascii("kWh")
        case (.kwh, 1): ascii("KWH")
        case (.kwh, 2): ascii("kwh")
        case (.kwh, _): ascii("Kwh")
        case (.mwh, 1): ascii("MWH")
        case (.mwh, _): ascii("MWh")
        }
    }

    /// A missing value (R-T1-3).
    mutating func missingValue(variant: UInt8) {
        switch variant % 10 {
        case 0: break
        case 1: ascii("NULL")
        case 2: ascii("null")
        case 3: ascii("NA")
        case 4: ascii("na")
        case 5: ascii("N/A")
        case 6: ascii("n/a")
        case 7: ascii("NaN")
        case 8: ascii("nan")
        default: ascii(" ")
        }
    }

    /// An invalid value (R-T1-3): letters, two dots, overflow to infinity, a double sign, non-ASCII
    /// digits, `inf`, hex, a bare exponent.
    mutating func badValue(variant: UInt8) {
        switch variant % 8 {
        case 0: ascii("abc")
        case 1: ascii("1.2.3")
        case 2: ascii("1e999")
        case 3: ascii("--5")
        case 4: bytes.append(contentsOf: [0xD9, 0xA1, 0xD9, 0xA2])  // Arabic-Indic digits 12
        case 5: ascii("inf")
        case 6: ascii("0x1F")
        default: ascii("5e")
        }
    }

    /// An invalid unit for a present value (R-T1-4).
    mutating func badUnit(variant: UInt8) {
        switch variant % 6 {
        case 0: ascii("mW")
        case 1: ascii("kVA")
        case 2: break
        case 3: ascii("J")
        case 4: ascii("mwh")
        default: ascii("kW/h")
        }
    }
}
