/// The expected result of one file's transform (for differential checks and debugging one job).
public struct FileExpectation: Sendable, Equatable {
    /// Readings sorted by (meter id, ts).
    public var meterIDs: [Int64] = []
    public var tsMicros: [Int64] = []
    public var kw: [Double] = []
    /// `measured` or `interpolated` per reading.
    public var quality: [String] = []
    /// Rejected rows per reason.
    public var rejects: [String: Int] = [:]
    /// Data rows written (the header and blank lines excluded).
    public var dataRows = 0
    public var measured = 0
    public var interpolated = 0
    /// Interpolated readings that came from a row with a missing value (R-IN-7).
    public var interpolatedRows = 0
    /// Permanent failure (R-IN-3) expected for the whole file, or nil.
    public var failure: String?
    /// Landing index of the file this one repeats byte for byte (its job ends `duplicate`), or nil.
    public var duplicateOf: Int?
}
