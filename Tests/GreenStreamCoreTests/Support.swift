import Testing
@testable import GreenStreamCore

/// One output reading in a form that is easy to compare in tests.
struct Out: Equatable, CustomStringConvertible {
    var meter: Int64
    var ts: String
    var kw: Double
    var quality: Quality

    var description: String { "\(meter) \(ts) \(kw) \(quality.name)" }
}

/// Runs the transform over CSV text and checks conservation (R-IN-7) on every call.
func transform(_ csv: String, _ config: TransformConfig = TransformConfig()) throws -> TransformOutput {
    let output = try Transformer(config: config).transform(Array(csv.utf8))
    #expect(output.isConserved, "R-IN-7 conservation broken: \(output.summary)")
    return output
}

/// Readings as (meter, UTC text without the fraction, kW, quality).
func readings(_ output: TransformOutput) -> [Out] {
    (0..<output.readings.count).map { i in
        let text = CivilTime.iso8601(micros: output.readings.ts[i])
        let short = String(text.prefix(19)) + (text.hasSuffix(".000000Z") ? "Z" : String(text.dropFirst(19)))
        return Out(meter: output.readings.meterID[i], ts: short, kw: output.readings.kw[i], quality: output.readings.quality[i])
    }
}

/// Rejects as "line:reason".
func rejectSummary(_ output: TransformOutput) -> [String] {
    output.rejects.map { "\($0.line):\($0.reason.rawValue)" }
}

/// A CSV with the standard header and the given data lines.
func csv(_ lines: String...) -> String {
    "meter_id,timestamp,reading_value,unit\n" + lines.joined(separator: "\n") + "\n"
}

/// Parses one value field through the file pipeline's parser.
func parseValue(_ text: String) -> FieldParsers.Value {
    Array(text.utf8).withUnsafeBufferPointer { FieldParsers.value($0) }
}

func parseTimestamp(_ text: String) -> ISO8601Timestamp.Parsed? {
    Array(text.utf8).withUnsafeBufferPointer { ISO8601Timestamp.parse($0) }
}

func micros(_ iso: String) -> Int64 {
    guard case .instant(let v)? = parseTimestamp(iso) else { preconditionFailure("bad test timestamp \(iso)") }
    return v
}
