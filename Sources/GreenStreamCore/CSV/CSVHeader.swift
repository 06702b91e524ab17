/// The column positions of the four required fields, found in a header record (R-IN-2).
struct CSVHeader: Equatable {
    /// The required names, in the order R-IN-3 reports the first missing one.
    static let requiredNames = ["meterid", "timestamp", "readingvalue", "unit"]

    var meterID: Int
    var timestamp: Int
    var readingValue: Int
    var unit: Int
    /// Number of fields in the header; data rows with fewer are malformed (R-IN-5).
    var fieldCount: Int

    /// The largest required column index plus one: fields past it need not be stored.
    var storeLimit: Int { max(meterID, timestamp, readingValue, unit) + 1 }

    /// Matches header names case-insensitively after removing `_`, `-` and spaces;
    /// the leftmost of repeated names counts. A nil name (a field with a quoting error,
    /// R-IN-5) names no column but still counts as a field.
    /// - Throws: `FileFailure.missingColumn` naming the first required column not found.
    init(names: [String?]) throws(FileFailure) {
        var found: [Int?] = [nil, nil, nil, nil]
        for (index, name) in names.enumerated() {
            guard let name else { continue }
            let key = Self.normalize(name)
            if let slot = Self.requiredNames.firstIndex(of: key), found[slot] == nil {
                found[slot] = index
            }
        }
        for (slot, index) in found.enumerated() where index == nil {
            throw .missingColumn(Self.requiredNames[slot])
        }
        meterID = found[0]!
        timestamp = found[1]!
        readingValue = found[2]!
        unit = found[3]!
        fieldCount = names.count
    }

    /// Lowercases ASCII letters and drops `_`, `-` and spaces.
    static func normalize(_ name: String) -> String {
        var out: [UInt8] = []
        for c in name.utf8 {
            switch c {
            case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: " "): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(c + 32)
            default: out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
