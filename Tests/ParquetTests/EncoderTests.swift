import Testing

@testable import Parquet

@Suite("PLAIN and RLE/bit-packed hybrid encoders")
struct EncoderTests {
    private func hybrid(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { RLEHybridEncoder.append($0, bitWidth: bitWidth, to: &out) }
        return out
    }

    @Test func booleansAreBitPackedLSBFirst() {
        var out: [UInt8] = []
        [true, false, true, true, false, false, false, true, true].withUnsafeBufferPointer {
            PlainEncoder.append($0, to: &out)
        }
        #expect(out == [0x8D, 0x01])
    }

    @Test func byteArraysHaveFourByteLengths() throws {
        var out: [UInt8] = []
        try PlainEncoder.append([[0x61], []], to: &out)
        #expect(out == [1, 0, 0, 0, 0x61, 0, 0, 0, 0])
    }

    @Test func int64IsLittleEndian() {
        var out: [UInt8] = []
        [Int64(1), -2].withUnsafeBufferPointer { PlainEncoder.append($0, to: &out) }
        #expect(out == [1, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func repeatedValuesBecomeAnRLERun() {
        #expect(hybrid(Array(repeating: 1, count: 10), bitWidth: 1) == [0x14, 0x01])
        #expect(hybrid(Array(repeating: 300, count: 8), bitWidth: 9) == [0x10, 0x2C, 0x01])
    }

    @Test func distinctValuesAreBitPacked() {
        #expect(hybrid(Array(0..<8), bitWidth: 3) == [0x03, 0x88, 0xC6, 0xFA])
        #expect(hybrid([1, 2, 3], bitWidth: 2) == [0x03, 0b00_11_10_01, 0x00])
    }

    @Test func literalsBeforeARunArePaddedToWholeGroupsFromTheRun() {
        // 3 literals, then 13 fives: 5 fives complete the group, 8 remain for an RLE run.
        let values: [UInt32] = [1, 2, 3] + Array(repeating: 5, count: 13)
        #expect(hybrid(values, bitWidth: 3) == [0x03, 0xD1, 0xDA, 0xB6, 0x10, 0x05])
    }

    @Test func longLiteralStretchesSplitAt63Groups() {
        let values = (0..<1000).map { UInt32($0 % 2) }
        let out = hybrid(values, bitWidth: 1)
        #expect(out[0] == 0x7F)
        #expect(out[64] == 0x7D)
        #expect(out.count == 1 + 63 + 1 + 62)
    }

    @Test(arguments: [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (10, 4), (256, 8), (257, 9)])
    func bitWidthCoversTheDictionary(size: Int, width: Int) {
        #expect(RLEHybridEncoder.bitWidth(forValuesBelow: size) == width)
    }

    @Test func snappyRoundTripsAPage() throws {
        let body = (0..<10_000).map { UInt8($0 % 7) }
        var compressed: [UInt8] = []
        body.withUnsafeBytes { _ = Snappy.compress($0, appendingTo: &compressed) }
        #expect(compressed.count < body.count / 10)
        #expect(try Snappy.uncompress(compressed) == body)
    }

    @Test func snappyRejectsGarbage() {
        #expect(throws: SnappyError.self) { try Snappy.uncompress([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
    }

    @Test func dictionaryMapsEveryValueBackThroughItsIndexAcrossTableGrowth() {
        let input = (0..<20_000).map { Double(($0 * 7_919) % 3_001) / 7 } + [-0.0, 0.0, .nan]
        var encoder = FixedWidthDictionaryEncoder<Double>(maxEntries: 10_000)
        let indices = input.withUnsafeBufferPointer { encoder.encode($0) }
        let decoded = (indices ?? []).map { encoder.values[Int($0)] }
        #expect(decoded.map(\.bitPattern) == input.map(\.bitPattern))
        #expect(encoder.values.count == 3_001 + 2, "-0.0 and NaN are their own entries; 0.0 is already there")
    }

    @Test func dictionaryGivesUpPastItsEntryLimit() {
        var encoder = FixedWidthDictionaryEncoder<Int64>(maxEntries: 100)
        let input = (0..<1_000).map { Int64($0) }
        #expect(input.withUnsafeBufferPointer { encoder.encode($0) } == nil)
    }
}
