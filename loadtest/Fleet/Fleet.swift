/// A generated meter fleet: its files in landing order, and what the cluster must hold once they
/// are all processed.
///
/// Layout. The meters are split into `groups` (meter index mod groups) and the span into `windows`
/// of whole slots; data file `d = window × groups + group` holds every slot of its window for the
/// meters of its group, and data files land window by window (time moves forward, as from a
/// head-end system). Corrections re-send a sub-window of some meters of an earlier data file with new
/// values and land a little after it; one bad file lands in the middle, one header-only file after
/// the first data file; one byte-identical copy of a
/// data file lands last, after every other job has ended (`landsAfterAllOthersEnd`).
public struct Fleet: Sendable {
    public let spec: FleetSpec

    /// What one landed file is.
    public enum FileKind: Sendable, Equatable {
        /// Data file `index` (window-major).
        case data(index: Int)
        /// Correction `index`, re-sending part of an earlier data file.
        case correction(index: Int)
        /// A file that fails whole (R-IN-3) with this reason.
        case bad(reason: String)
        /// A byte-identical copy of the file that landed at `landing` (R-J-2).
        case duplicate(ofLanding: Int)
        /// A header and no rows: succeeds with zero rows (R-IN-4).
        case empty
    }

    /// One correction: a sub-window of one data file, for a fraction of its meters.
    struct Correction: Sendable {
        var dataFile: Int
        var firstSlot: Int
        var endSlot: Int
        /// A meter of the data file's group is re-sent when its hash falls below this.
        var meterFraction: Double
    }

    /// Landing order.
    public let kinds: [FileKind]
    let windows: Int
    let groups: Int
    let corrections: [Correction]
    /// Landing index of each data file and correction.
    let dataLanding: [Int]
    let correctionLanding: [Int]
    /// The fleet's load shape per slot of the span (time of day), shared by every meter.
    let profile: [Double]
    /// Every slot's timestamp in every spelling, written once (the hot loop copies them):
    /// slot k, style s is `timestampText[timestampStart[k × styles + s] ..< timestampStart[k × styles + s + 1]]`.
    let timestampText: [UInt8]
    let timestampStart: [Int32]
    /// The source zone the spelling without a designator is written in, or nil when that spelling is
    /// not used: only UTC and Europe/Berlin are known to the generator, and Berlin only while the span
    /// has no repeated hour (clocks going back), whose R-T1-2 resolution depends on file order.
    let naiveZone: RowWriter.NaiveZone?

    public init(spec: FleetSpec) {
        self.spec = spec
        let slots = spec.slotsPerMeter
        var rng = SplitMix(spec.seed, 0xF1EE7)
        (windows, groups) = Fleet.layout(files: spec.files, meters: spec.meters, slots: slots)
        let dataFiles = windows * groups

        var corrections: [Correction] = []
        let wanted =
            spec.faults.correctionsPerFile > 0
            ? max(1, Int((Double(dataFiles) * spec.faults.correctionsPerFile).rounded())) : 0
        var after: [Int] = []  // data file after which each correction lands
        for _ in 0..<wanted {
            let d = rng.below(dataFiles)
            let (lo, hi) = Fleet.window(d / groups, windows: windows, slots: slots)
            let len = hi - lo
            let minLen = min(4, len)
            // Now and then a single reading is re-sent: alone in its series it has no interval, so an
            // energy value there is `unknown_interval` (R-T2-0, R-T2-2).
            let n = rng.chance(0.15) ? 1 : minLen + rng.below(len - minLen + 1)
            let first = lo + rng.below(len - n + 1)
            corrections.append(Correction(dataFile: d, firstSlot: first, endSlot: first + n, meterFraction: 0.2))
            after.append(min(dataFiles - 1, d + 1 + rng.below(3)))
        }
        self.corrections = corrections

        var kinds: [FileKind] = []
        var dataLanding = [Int](repeating: 0, count: dataFiles)
        var correctionLanding = [Int](repeating: 0, count: corrections.count)
        let badAfter = dataFiles / 2
        let badReasons = ["missing_column:unit", "missing_column:timestamp", "no_header", "not_text"]
        let badReason = badReasons[rng.below(badReasons.count)]
        for d in 0..<dataFiles {
            dataLanding[d] = kinds.count
            kinds.append(.data(index: d))
            for (c, a) in after.enumerated() where a == d {
                correctionLanding[c] = kinds.count
                kinds.append(.correction(index: c))
            }
            if spec.faults.badFile && d == badAfter { kinds.append(.bad(reason: badReason)) }
            if spec.faults.emptyFile && d == 0 { kinds.append(.empty) }
        }
        if spec.faults.duplicateFile {
            kinds.append(.duplicate(ofLanding: dataLanding[rng.below(dataFiles)]))
        }
        self.kinds = kinds
        self.dataLanding = dataLanding
        self.correctionLanding = correctionLanding

        // Load shape: a night base, a morning bump and an evening peak around 19:00 Berlin local.
        var profile = [Double](repeating: 0, count: slots)
        for k in 0..<slots {
            let t = spec.startUnixSeconds + Int64(k * spec.intervalMinutes * 60)
            let local = t + CivilTime.berlinOffset(unixSeconds: t)
            let h = Double(((local % 86_400) + 86_400) % 86_400) / 3600
            func bump(_ at: Double, _ width: Double) -> Double {
                var d = abs(h - at)
                if d > 12 { d = 24 - d }
                return Math.exp(-(d * d) / (2 * width * width))
            }
            profile[k] = 0.35 + 0.3 * bump(7.5, 1.2) + 1.0 * bump(19, 1.6) + 0.12 * bump(13, 3)
        }
        self.profile = profile

        var naive: RowWriter.NaiveZone? = nil
        switch spec.settings.sourceTimeZone {
        case "UTC", "Etc/UTC", "Z": naive = .utc
        case "Europe/Berlin":
            let offsets = (0..<slots).map {
                CivilTime.berlinOffset(unixSeconds: spec.startUnixSeconds + Int64($0 * spec.intervalMinutes * 60))
            }
            naive = zip(offsets, offsets.dropFirst()).contains { $0 > $1 } ? nil : .berlin
        default: naive = nil
        }
        naiveZone = naive

        var text = RowWriter()
        var starts: [Int32] = []
        starts.reserveCapacity(slots * RowWriter.timestampStyles + 1)
        for k in 0..<slots {
            let t = spec.startUnixSeconds + Int64(k * spec.intervalMinutes * 60)
            for style in 0..<RowWriter.timestampStyles {
                starts.append(Int32(text.bytes.count))
                text.timestamp(t, style: UInt8(style), naive: naive ?? .utc)
            }
        }
        starts.append(Int32(text.bytes.count))
        timestampText = text.bytes
        timestampStart = starts
    }

    /// Picks `windows × groups == files` (reducing `files` until it fits): up to 4 windows when the
    /// count allows it, no more groups than meters and no more windows than slots.
    static func layout(files: Int, meters: Int, slots: Int) -> (windows: Int, groups: Int) {
        var f = min(files, meters * slots)
        while f > 1 {
            let divisors = (1...f).filter { f % $0 == 0 && f / $0 <= meters && $0 <= slots }
            if let w = divisors.filter({ $0 <= 4 }).max() ?? divisors.min() { return (w, f / w) }
            f -= 1
        }
        return (1, 1)
    }

    /// Slot range [lo, hi) of window `w`.
    static func window(_ w: Int, windows: Int, slots: Int) -> (Int, Int) {
        (w * slots / windows, (w + 1) * slots / windows)
    }

    /// Everything to land: data files, corrections, the bad file and the duplicate.
    public var fileCount: Int { kinds.count }

    /// Number of data files (`spec.files` after the layout's clamp).
    public var dataFileCount: Int { windows * groups }

    /// A unique file name for landing index `index` (no leading `.`, no `.tmp`).
    public func fileName(_ index: Int) -> String {
        let n = String(index)
        let ordinal = String(repeating: "0", count: max(0, 6 - n.count)) + n
        let what: String
        switch kinds[index] {
        case .data(let d): what = "data-w\(d / groups)-g\(d % groups)"
        case .correction(let c): what = "correction-\(c)-of-\(dataLanding[corrections[c].dataFile])"
        case .bad: what = "bad"
        case .empty: what = "empty"
        case .duplicate(let of): what = "duplicate-of-\(of)"
        }
        return "fleet-s\(spec.seed)-\(ordinal)-\(what).csv"
    }

    /// Whether file `index` may land only once every earlier file's job has ended: the duplicate copy,
    /// which is `duplicate` only if its original already succeeded (R-J-2); two copies in flight at once
    /// are settled by which commits first, which a verifier cannot predict.
    public func landsAfterAllOthersEnd(_ index: Int) -> Bool {
        if case .duplicate = kinds[index] { return true }
        return false
    }

    /// Meter id of meter index `m`: meter 0 is Int64.max (the largest valid id, R-T1-1); the others are
    /// spread out so ids are not just 1…n.
    public func meterID(_ m: Int) -> Int64 {
        m == 0 ? Int64.max : 1_000_000 + Int64(m) * 7 + Int64(m % 3)
    }

    /// Instant of slot `k`, unix seconds.
    func slotSeconds(_ k: Int) -> Int64 { spec.startUnixSeconds + Int64(k) * Int64(spec.intervalMinutes * 60) }

    /// Meters of group `g`, ascending.
    func meters(ofGroup g: Int) -> StrideTo<Int> { stride(from: g, to: spec.meters, by: groups) }

    /// Whether correction `c` re-sends meter `m` (which must be in the corrected file's group).
    func correction(_ c: Int, includes m: Int) -> Bool {
        let corr = corrections[c]
        let g = corr.dataFile % groups
        if m == g { return true }  // every correction carries at least its group's first meter
        var r = SplitMix(spec.seed, 0xC0, UInt64(c), UInt64(m))
        return r.unit() < corr.meterFraction
    }
}
