// Rows and kW sums per date of the published archive (archive/readings/date=…/part-*.parquet),
// read with the project's own Parquet module: its footer reader and Thrift decoder find the
// `kw` column's pages, and this file decodes them (PLAIN doubles, or a PLAIN dictionary with
// RLE/bit-packed indices; snappy or uncompressed). REQUIRED columns carry no level data.
import Foundation
import Parquet

/// What the archive holds for one UTC date.
public struct ArchiveDayTotals: Sendable, Codable, Equatable {
    public var rows: Int
    public var kwSum: Double
    public var files: Int
}

enum ArchiveTotals {
    /// Totals per date directory name (`YYYY-MM-DD`) under `dataDirectory/archive/readings`.
    static func read(dataDirectory: String) throws -> [String: ArchiveDayTotals] {
        let root = dataDirectory + "/archive/readings"
        let fm = FileManager.default
        var totals: [String: ArchiveDayTotals] = [:]
        let partitions = (try? fm.contentsOfDirectory(atPath: root)) ?? []
        for partition in partitions where partition.hasPrefix("date=") {
            let date = String(partition.dropFirst(5))
            let files = (try? fm.contentsOfDirectory(atPath: root + "/" + partition)) ?? []
            var day = ArchiveDayTotals(rows: 0, kwSum: 0, files: 0)
            for file in files where file.hasSuffix(".parquet") && !file.hasPrefix(".") {
                let (rows, sum) = try fileTotals(path: root + "/" + partition + "/" + file)
                day.rows += rows
                day.kwSum += sum
                day.files += 1
            }
            totals[date] = day
        }
        return totals
    }

    /// Rows and the sum of `kw` of one archive file.
    static func fileTotals(path: String) throws -> (rows: Int, kwSum: Double) {
        let bytes = try ParquetFooterReader.readFile(path)
        let footer = try ParquetFooterReader.read(fileBytes: bytes)
        var rows = 0
        var sum = 0.0
        for group in footer.rowGroups {
            guard let kw = group.columns.compactMap(\.metaData).first(where: { $0.pathInSchema == ["kw"] }) else {
                throw LoadTestError("\(path): a row group has no kw column")
            }
            let values = try decodeDoubles(bytes, chunk: kw, path: path)
            guard values.count == Int(group.numRows) else {
                throw LoadTestError("\(path): kw holds \(values.count) values in a row group of \(group.numRows) rows")
            }
            rows += values.count
            for v in values { sum += v }
        }
        guard rows == Int(footer.numRows) else { throw LoadTestError("\(path): footer says \(footer.numRows) rows, row groups \(rows)") }
        return (rows, sum)
    }

    /// Every value of a REQUIRED double column chunk.
    static func decodeDoubles(_ bytes: [UInt8], chunk: ColumnMetaData, path: String) throws -> [Double] {
        let start = Int(chunk.dictionaryPageOffset.map { min($0, chunk.dataPageOffset) } ?? chunk.dataPageOffset)
        let end = start + Int(chunk.totalCompressedSize)
        guard start >= 4, end <= bytes.count - 8 else { throw LoadTestError("\(path): kw chunk outside the file") }
        var offset = start
        var dictionary: [Double] = []
        var values: [Double] = []
        values.reserveCapacity(Int(chunk.numValues))
        while offset < end {
            var reader = ThriftCompactReader(bytes, offset: offset)
            let header = try reader.readStruct()
            guard let type = header.int(1), let compressed = header.int(3) else {
                throw LoadTestError("\(path): page header at \(offset) lacks type or size")
            }
            let bodyStart = reader.offset
            let bodyEnd = bodyStart + Int(compressed)
            guard bodyEnd <= end else { throw LoadTestError("\(path): page at \(offset) overruns the chunk") }
            let raw = Array(bytes[bodyStart..<bodyEnd])
            let body = chunk.codec == .snappy ? try Snappy.uncompress(raw) : raw
            switch type {
            case 2:  // dictionary page: PLAIN doubles
                dictionary = plainDoubles(body, count: body.count / 8)
            case 0:  // data page v1
                guard let sub = header.structure(5), let n = sub.int(1), let encoding = sub.int(2) else {
                    throw LoadTestError("\(path): data page header at \(offset) is incomplete")
                }
                switch encoding {
                case 0:
                    guard body.count >= Int(n) * 8 else { throw LoadTestError("\(path): short PLAIN page at \(offset)") }
                    values.append(contentsOf: plainDoubles(body, count: Int(n)))
                case 2, 8:
                    let indices = try rleHybrid(body, count: Int(n), path: path)
                    for i in indices {
                        guard Int(i) < dictionary.count else { throw LoadTestError("\(path): dictionary index \(i) out of range") }
                        values.append(dictionary[Int(i)])
                    }
                default:
                    throw LoadTestError("\(path): kw page encoding \(encoding) not supported by the verifier")
                }
            default:
                throw LoadTestError("\(path): page type \(type) not supported by the verifier")
            }
            offset = bodyEnd
        }
        return values
    }

    static func plainDoubles(_ body: [UInt8], count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        body.withUnsafeBytes { raw in
            for i in 0..<count {
                out[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
            }
        }
        return out
    }

    /// Dictionary indices: one bit-width byte, then RLE / bit-packed runs.
    static func rleHybrid(_ body: [UInt8], count: Int, path: String) throws -> [UInt32] {
        guard let width = body.first.map(Int.init), width <= 32 else { throw LoadTestError("\(path): bad index bit width") }
        var out: [UInt32] = []
        out.reserveCapacity(count)
        var p = 1
        func varint() throws -> Int {
            var result = 0
            var shift = 0
            while true {
                guard p < body.count else { throw LoadTestError("\(path): truncated run header") }
                let b = body[p]
                p += 1
                result |= Int(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while out.count < count {
            let header = try varint()
            if header & 1 == 0 {
                let run = header >> 1
                let width8 = (width + 7) / 8
                guard p + width8 <= body.count else { throw LoadTestError("\(path): truncated RLE run") }
                var value: UInt32 = 0
                for k in 0..<width8 { value |= UInt32(body[p + k]) << (8 * k) }
                p += width8
                out.append(contentsOf: repeatElement(value, count: min(run, count - out.count)))
            } else {
                let groups = header >> 1
                let byteCount = groups * width
                guard p + byteCount <= body.count else { throw LoadTestError("\(path): truncated bit-packed run") }
                var bit = 0
                for _ in 0..<(groups * 8) {
                    var value: UInt32 = 0
                    for k in 0..<width {
                        let b = bit + k
                        if body[p + b / 8] & (1 << (b % 8)) != 0 { value |= 1 << k }
                    }
                    bit += width
                    if out.count < count { out.append(value) }
                }
                p += byteCount
            }
        }
        return out
    }
}
