/// The result of transforming one file: clean readings, rejected rows and counts.
///
/// Conservation (R-IN-7): `dataRowCount == measuredCount + interpolatedRowCount + rejects.count`.
public struct TransformOutput: Sendable, Equatable {
    /// Clean readings sorted by (meter_id, ts), features included.
    public var readings: ReadingBatch
    /// Rejected data rows, in line order.
    public var rejects: [Reject]
    /// Number of rejects per reason; reasons with none are absent.
    public var rejectCounts: [RejectReason: Int]
    /// Data rows read (the header and blank lines excluded).
    public var dataRowCount: Int
    /// Readings with quality `measured`.
    public var measuredCount: Int
    /// Readings with quality `interpolated`, from rows and from synthesised or outlier slots.
    public var interpolatedCount: Int
    /// Interpolated readings that came from a row with a missing value.
    public var interpolatedRowCount: Int

    public init(
        readings: ReadingBatch = ReadingBatch(), rejects: [Reject] = [], rejectCounts: [RejectReason: Int] = [:],
        dataRowCount: Int = 0, measuredCount: Int = 0, interpolatedCount: Int = 0, interpolatedRowCount: Int = 0
    ) {
        self.readings = readings
        self.rejects = rejects
        self.rejectCounts = rejectCounts
        self.dataRowCount = dataRowCount
        self.measuredCount = measuredCount
        self.interpolatedCount = interpolatedCount
        self.interpolatedRowCount = interpolatedRowCount
    }

    /// Whether every data row ended in exactly one outcome (R-IN-7).
    public var isConserved: Bool {
        dataRowCount == measuredCount + interpolatedRowCount + rejects.count
            && rejectCounts.values.reduce(0, +) == rejects.count
            && readings.count == measuredCount + interpolatedCount
    }

    /// A one-line summary, e.g. `120 rows: 100 measured, 5 interpolated (3 from rows), 15 rejected (invalid_unit 3, …)`.
    public var summary: String {
        var s = "\(dataRowCount) rows: \(measuredCount) measured, \(interpolatedCount) interpolated"
        s += " (\(interpolatedRowCount) from rows), \(rejects.count) rejected"
        if !rejectCounts.isEmpty {
            let parts = rejectCounts.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }
            s += " (" + parts.joined(separator: ", ") + ")"
        }
        return s
    }
}
