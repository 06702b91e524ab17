import Foundation

/// The UTC offsets of one time zone, precomputed so that per-row code does integer
/// math only (R-T1-2 naive local times, R-F-1 grid hours).
///
/// Accepts `UTC`/`Z`, fixed offsets (`+05:30`, `-0800`, `+01`) and IANA names
/// (`Europe/Berlin`). For IANA zones, Foundation's `TimeZone` is asked once for every
/// transition between 1843 and 2381; instants outside that window ask it directly
/// (slow, but such dates are rare in meter data).
public struct ZoneRules: Sendable, CustomStringConvertible {
    /// The name the zone was created from.
    public let name: String
    /// Transition instants (seconds since the epoch, UTC), ascending.
    let transitions: [Int64]
    /// `offsets[i]` applies from `transitions[i - 1]` (or forever before, for i == 0) up to `transitions[i]`.
    let offsets: [Int32]
    let foundationZone: TimeZone?
    let tableStart: Int64
    let tableEnd: Int64

    /// Whether the zone is a single fixed offset (the fast path).
    public var isFixed: Bool { transitions.isEmpty && foundationZone == nil }
    /// The fixed offset in seconds, meaningful only when `isFixed`.
    var fixedOffset: Int32 { offsets[0] }

    public var description: String { name }

    /// UTC.
    public static let utc = ZoneRules(fixedName: "UTC", offsetSeconds: 0)

    init(fixedName: String, offsetSeconds: Int32) {
        name = fixedName
        transitions = []
        offsets = [offsetSeconds]
        foundationZone = nil
        tableStart = .min
        tableEnd = .max
    }

    /// Creates the rules for a zone name.
    /// - Throws: `ConfigError.unknownTimeZone` when the name is neither an offset nor an IANA zone.
    public init(named text: String) throws(ConfigError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "UTC" || trimmed == "Z" || trimmed == "utc" {
            self = .utc
            return
        }
        if let first = trimmed.utf8.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            let bytes = Array(trimmed.utf8)
            let parsed = bytes.withUnsafeBufferPointer { ISO8601Timestamp.parseOffset($0, from: 0) }
            guard let parsed, parsed.end == bytes.count else { throw .unknownTimeZone(text) }
            self.init(fixedName: trimmed, offsetSeconds: Int32(parsed.seconds))
            return
        }
        guard let zone = TimeZone(identifier: trimmed) else { throw .unknownTimeZone(text) }
        self.init(foundation: zone, name: trimmed)
    }

    init(foundation zone: TimeZone, name: String) {
        self.name = name
        let start: Int64 = -4_000_000_000
        let end: Int64 = 13_000_000_000
        var times: [Int64] = []
        var offs: [Int32] = [Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start))))]
        var cursor = Date(timeIntervalSince1970: Double(start))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < Double(end) {
            let t = Int64(next.timeIntervalSince1970.rounded(.down))
            let off = Int32(zone.secondsFromGMT(for: next))
            if off != offs[offs.count - 1] {
                times.append(t)
                offs.append(off)
            }
            cursor = next
        }
        transitions = times
        offsets = offs
        foundationZone = zone
        tableStart = start
        tableEnd = end
    }

    /// The offset from UTC, in seconds, in force at a UTC instant given in seconds.
    public func offset(atUTCSeconds t: Int64) -> Int64 {
        if transitions.isEmpty && foundationZone == nil { return Int64(offsets[0]) }
        return lookupOffset(t)
    }

    func lookupOffset(_ t: Int64) -> Int64 {
        if t < tableStart || t >= tableEnd, let zone = foundationZone {
            return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
        }
        // Count of transitions at or before t, by binary search.
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return Int64(offsets[lo])
    }

    /// How a local wall-clock time maps to UTC.
    public enum LocalResolution: Equatable, Sendable {
        /// Exactly one instant (seconds, UTC).
        case unique(Int64)
        /// The wall time is repeated (clocks went back): both instants, earlier first.
        case ambiguous(earlier: Int64, later: Int64)
        /// The wall time does not exist (clocks went forward).
        case gap
    }

    /// Maps a local wall time (seconds since the epoch as if the zone were UTC) to UTC.
    public func resolve(localSeconds l: Int64) -> LocalResolution {
        if isFixed { return .unique(l - Int64(fixedOffset)) }
        // Offsets in force a day either side cover every candidate; zones never change
        // offset twice within two days.
        let o1 = offset(atUTCSeconds: l - 86_400)
        let o2 = offset(atUTCSeconds: l + 86_400)
        let v1 = offset(atUTCSeconds: l - o1) == o1
        let v2 = o2 != o1 && offset(atUTCSeconds: l - o2) == o2
        switch (v1, v2) {
        case (true, true):
            let a = l - o1
            let b = l - o2
            return .ambiguous(earlier: min(a, b), later: max(a, b))
        case (true, false): return .unique(l - o1)
        case (false, true): return .unique(l - o2)
        case (false, false): return .gap
        }
    }

    /// The hour of day (0–23) of a UTC instant in microseconds, in this zone (R-F-1).
    public func hourOfDay(utcMicros: Int64) -> UInt8 {
        let seconds = CivilTime.floorDiv(utcMicros, CivilTime.microsPerSecond)
        let local = seconds + offset(atUTCSeconds: seconds)
        let secondOfDay = local - CivilTime.floorDiv(local, 86_400) * 86_400
        return UInt8(truncatingIfNeeded: secondOfDay / 3600)
    }
}
