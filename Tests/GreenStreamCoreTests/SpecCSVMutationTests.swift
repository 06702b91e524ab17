import Testing
@testable import GreenStreamCore

/// Valid files with random damage (quotes, commas, CR/LF, blanks inserted, bytes dropped),
/// read by the byte-level reader and by the naive model of R-IN-1, R-IN-5 and R-IN-6 in
/// `SpecCSVReferenceTests.reference`: the records must agree, and so must what the
/// transformer makes of them (the header's columns, which rows are `malformed_row`).
struct SpecCSVMutationTests {
    typealias Generator = ConservationPropertyTests.Generator

    /// A valid file: a header (names sometimes quoted, with a note column) and rows whose
    /// fields are sometimes quoted, padded with blanks, or hold commas and line breaks.
    static func validFile(_ g: inout Generator) -> [UInt8] {
        func field(_ text: String, quotable: Bool = true) -> String {
            let pad = [" ", "\t", ""][g.int(3)]
            return g.chance(30) && quotable ? pad + "\"" + text + "\"" : text + (g.chance(20) ? pad : "")
        }
        let names = ["Meter ID", "timestamp", "reading_value", "Unit", "note"]
        var order = Array(names.indices)
        for i in order.indices.reversed() { order.swapAt(i, g.int(i + 1)) }
        let end = g.chance(50) ? "\r\n" : "\n"
        var text = order.map { field(names[$0]) }.joined(separator: ",") + end
        for r in 0..<(1 + g.int(8)) {
            let values = [
                "\(1 + g.int(3))", "2024-01-01T0\(g.int(10)):\(["00", "15", "30", "45"][g.int(4)]):00Z",
                ["1.5", "", "NaN", "2e1", "x"][g.int(5)], ["kW", "kWh", "W"][g.int(3)],
            ]
            let notes = ["", "plain", "a, \"\"quoted\"\" note", "two\nlines", "crlf\r\nnote"]
            let note = notes[g.int(notes.count)]
            text += order.map { i in
                i < 4 ? field(values[i]) : (note.contains(where: { ",\"\n\r".contains($0) }) ? "\"\(note)\"" : field(note))
            }.joined(separator: ",")
            text += r.isMultiple(of: 3) && g.chance(50) ? end + " \t" + end : end
        }
        return Array(text.utf8)
    }

    /// Inserts quotes, commas, line ends and blanks, or drops bytes, at random places.
    static func mutate(_ bytes: [UInt8], _ g: inout Generator) -> [UInt8] {
        let pieces: [[UInt8]] = [[0x22], [0x22], [0x22], [0x2C], [0x0A], [0x0D, 0x0A], [0x0D], [0x20], [0x09], [0x22, 0x22]]
        var out = bytes
        for _ in 0..<(1 + g.int(3)) {
            let at = g.int(out.count + 1)
            if g.chance(15) && at < out.count {
                out.remove(at: at)
            } else {
                out.insert(contentsOf: pieces[g.int(pieces.count)], at: at)
            }
        }
        return out
    }

    /// What R-IN-2/R-IN-3/R-IN-5 make of the model's records: the first missing column, or
    /// the lines of the data rows that must be `malformed_row`.
    static func expected(_ records: [SpecCSVReferenceTests.Rec]) -> Result<[Int], FileFailure> {
        guard let header = records.first else { return .failure(.noHeader) }
        for required in CSVHeader.requiredNames {
            let found = zip(header.fields, header.errors).contains { name, error in
                !error && CSVHeader.normalize(String(decoding: name, as: UTF8.self)) == required
            }
            if !found { return .failure(.missingColumn(required)) }
        }
        return .success(records.dropFirst().filter { $0.malformed || $0.fields.count < header.fields.count }.map(\.line))
    }

    @Test("R-IN-1 R-IN-2 R-IN-5 R-IN-6 damaged valid files: the reader and the transformer agree with the naive model",
          arguments: Array(UInt64(1)...UInt64(40)))
    func mutatedFilesAgreeWithModel(seed: UInt64) {
        var g = Generator(state: seed &* 104_729)
        for _ in 0..<150 {
            let bytes = Self.mutate(Self.validFile(&g), &g)
            let records = SpecCSVReferenceTests.reference(bytes)
            let got = SpecCSVReferenceTests.actual(bytes)
            #expect(got == records, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            let transformed = Result { () throws(FileFailure) in try Transformer().transform(bytes) }
                .map { $0.rejects.filter { $0.reason == .malformedRow }.map(\.line) }
            let want = Self.expected(records)
            #expect(transformed == want, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if got != records || transformed != want { return }
        }
    }
}
