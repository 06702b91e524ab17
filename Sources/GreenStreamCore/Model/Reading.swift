/// Where a clean reading came from (R-T2-4, R-T2-6).
public enum Quality: UInt8, Sendable, CaseIterable {
    /// A valid value read from the file.
    case measured = 0
    /// A value filled by linear interpolation, for a row with a missing value or a synthesised slot.
    case interpolated = 1

    /// The text stored in Parquet and PostgreSQL: `measured` or `interpolated`.
    public var name: String {
        switch self {
        case .measured: "measured"
        case .interpolated: "interpolated"
        }
    }

    public init?(name: String) {
        switch name {
        case "measured": self = .measured
        case "interpolated": self = .interpolated
        default: return nil
        }
    }
}

/// Clean readings in columnar form, one entry per reading in every column,
/// sorted by (meter_id, ts). This is the shape every sink consumes: the CSV
/// output, the Parquet archive (R-P-2) and the hot store (R-H-1).
public struct ReadingBatch: Sendable, Equatable {
    /// Meter ids, 1…Int64.max (R-T1-1).
    public var meterID: [Int64]
    /// Instants as microseconds since 1970-01-01T00:00:00Z (R-T1-2).
    public var ts: [Int64]
    /// Average power in kW over the reading's interval.
    public var kw: [Double]
    public var quality: [Quality]
    /// Hour 0–23 in the grid time zone (R-F-1).
    public var hourOfDay: [UInt8]
    /// Whether `hourOfDay` lies in the tariff peak window (R-F-2).
    public var isPeakWindow: [Bool]

    public init(
        meterID: [Int64] = [], ts: [Int64] = [], kw: [Double] = [], quality: [Quality] = [],
        hourOfDay: [UInt8] = [], isPeakWindow: [Bool] = []
    ) {
        precondition(
            [ts.count, kw.count, quality.count, hourOfDay.count, isPeakWindow.count].allSatisfy { $0 == meterID.count },
            "ReadingBatch columns must have equal lengths")
        self.meterID = meterID
        self.ts = ts
        self.kw = kw
        self.quality = quality
        self.hourOfDay = hourOfDay
        self.isPeakWindow = isPeakWindow
    }

    public var count: Int { meterID.count }
    public var isEmpty: Bool { meterID.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
        meterID.reserveCapacity(n)
        ts.reserveCapacity(n)
        kw.reserveCapacity(n)
        quality.reserveCapacity(n)
        hourOfDay.reserveCapacity(n)
        isPeakWindow.reserveCapacity(n)
    }

    public mutating func append(meterID m: Int64, ts t: Int64, kw k: Double, quality q: Quality, hourOfDay h: UInt8, isPeakWindow p: Bool) {
        meterID.append(m)
        ts.append(t)
        kw.append(k)
        quality.append(q)
        hourOfDay.append(h)
        isPeakWindow.append(p)
    }
}
