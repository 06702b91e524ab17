/// The tariff peak window `[start, end)` in grid-zone hours (R-F-2).
/// A window whose end is before its start wraps past midnight (22–6);
/// equal bounds mean no peak hours.
public struct PeakWindow: Sendable, Equatable, CustomStringConvertible {
    /// First peak hour, 0–23.
    public let start: Int
    /// First hour after the window, 0–24.
    public let end: Int
    /// `contains[h]` for h in 0..<24, precomputed for per-row lookups.
    private let table: [Bool]

    /// The spec default, 17–21.
    public static let `default` = try! PeakWindow(start: 17, end: 21)

    /// - Throws: `ConfigError.invalidPeakWindow` unless 0 ≤ start ≤ 23 and 0 ≤ end ≤ 24.
    public init(start: Int, end: Int) throws(ConfigError) {
        guard (0...23).contains(start), (0...24).contains(end) else {
            throw .invalidPeakWindow("\(start)-\(end)")
        }
        self.start = start
        self.end = end
        table = (0..<24).map { h in
            start <= end ? (h >= start && h < end) : (h >= start || h < end)
        }
    }

    /// Parses `START-END`, e.g. `17-21`.
    public init(parsing text: String) throws(ConfigError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let s = Int(parts[0]), let e = Int(parts[1]) else {
            throw .invalidPeakWindow(text)
        }
        do { try self.init(start: s, end: e) } catch { throw .invalidPeakWindow(text) }
    }

    /// Whether an hour of day lies in the window.
    @inline(__always)
    public func contains(hour: UInt8) -> Bool { table[Int(hour)] }

    public var description: String { "\(start)-\(end)" }

    public static func == (a: PeakWindow, b: PeakWindow) -> Bool { a.start == b.start && a.end == b.end }
}
