import Foundation
import Testing

@testable import Parquet

/// Files written by ``ParquetFileWriter`` and read back by pyarrow and DuckDB (R-P-3, R-P-4).
@Suite("Parquet files read by pyarrow and DuckDB (R-P-3, R-P-4)")
final class ParquetWriterReaderTests {
    let directory: URL

    init() throws { directory = try makeTemporaryDirectory() }
    deinit { try? FileManager.default.removeItem(at: directory) }

    struct Written {
        var path: String
        var bytes: [UInt8]
        var footer: FileMetaData
    }

    private func write(
        _ columns: [ParquetColumn], _ values: [ColumnValues], options: ParquetWriterOptions = ParquetWriterOptions(),
        metadata: [KeyValue] = []
    ) throws -> Written {
        var writer = try ParquetFileWriter(columns: columns, options: options)
        try writer.write(values)
        let bytes = try writer.finish(keyValueMetadata: metadata)
        let path = directory.appendingPathComponent("\(UUID()).parquet").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return Written(path: path, bytes: bytes, footer: try ParquetFooterReader.read(path: path))
    }

    private func expectBothReaders(_ report: ReaderReport, column: String, equal expected: [String]) {
        #expect(report.pyarrow.columns[column] == expected, "pyarrow \(column)")
        #expect(report.duckdb.columns[column] == expected, "DuckDB \(column)")
    }

    private func expectEveryChunkSnappy(_ report: ReaderReport) {
        for group in report.pyarrow.rowGroups ?? [] {
            for (name, chunk) in group.columns { #expect(chunk.compression == "SNAPPY", "\(name)") }
        }
        #expect(report.duckdb.compressions?.allSatisfy { $0 == "SNAPPY" } == true)
    }

    static let allTypes: [ParquetColumn] = [
        ParquetColumn(name: "b", physicalType: .boolean),
        ParquetColumn(name: "i32", physicalType: .int32),
        ParquetColumn(name: "i64", physicalType: .int64),
        ParquetColumn(name: "d", physicalType: .double),
        ParquetColumn(name: "s", physicalType: .byteArray, logicalType: .string),
        ParquetColumn(name: "ts", physicalType: .int64, logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros)),
        ParquetColumn(name: "i16", physicalType: .int32, logicalType: .integer(bitWidth: 16, isSigned: true)),
    ]

    @Test func everyTypeIsReadWithExactValuesAndTypes() throws {
        let n = 37
        let b = (0..<n).map { $0 % 3 == 0 }
        let i32 = (0..<n).map { Int32($0 * 7919 - 100_000) }
        let i64 = (0..<n).map { Int64($0) * 1_000_000_007 - 5 }
        let d = (0..<n).map { Double($0) * 0.1 - 1.5 }
        let s = (0..<n).map { "meter-\($0 * 13 % 37)-é" }
        let ts = (0..<n).map { 1_700_000_000_000_000 + Int64($0) * 900_000_000 }
        let i16 = (0..<n).map { Int32($0 - 18) * 100 }
        let file = try write(
            Self.allTypes, [.boolean(b), .int32(i32), .int64(i64), .double(d), .strings(s), .int64(ts), .int32(i16)])
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "b", equal: Rendered.bools(b))
        expectBothReaders(report, column: "i32", equal: Rendered.ints(i32))
        expectBothReaders(report, column: "i64", equal: Rendered.ints(i64))
        expectBothReaders(report, column: "d", equal: Rendered.doubles(d))
        expectBothReaders(report, column: "s", equal: s)
        expectBothReaders(report, column: "ts", equal: Rendered.ints(ts))
        expectBothReaders(report, column: "i16", equal: Rendered.ints(i16))
        #expect(
            report.pyarrow.types == [
                "b": "bool", "i32": "int32", "i64": "int64", "d": "double", "s": "string",
                "ts": "timestamp[us, tz=UTC]",
                "i16": "int16",
            ])
        #expect(
            report.duckdb.types == [
                "b": "BOOLEAN", "i32": "INTEGER", "i64": "BIGINT", "d": "DOUBLE", "s": "VARCHAR",
                "ts": "TIMESTAMP WITH TIME ZONE",
                "i16": "SMALLINT",
            ])
        expectEveryChunkSnappy(report)
        let stats = try #require(report.pyarrow.rowGroups?.first?.columns)
        #expect(stats["i32"]?.min == String(i32.min()!) && stats["i32"]?.max == String(i32.max()!))
        #expect(stats["i64"]?.min == String(i64.min()!) && stats["i64"]?.max == String(i64.max()!))
        #expect(stats["d"]?.min == Rendered.double(d.min()!) && stats["d"]?.max == Rendered.double(d.max()!))
        #expect(stats["b"]?.min == "false" && stats["b"]?.max == "true")
        #expect(stats["ts"]?.min == String(ts.min()!) && stats["ts"]?.max == String(ts.max()!))
        let byteOrder = s.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(stats["s"]?.min == String(decoding: byteOrder.first!, as: UTF8.self))
        #expect(stats["s"]?.max == String(decoding: byteOrder.last!, as: UTF8.self))
        #expect(stats.values.allSatisfy { $0.hasMinMax && $0.nullCount == 0 && $0.numValues == n })
        let duck = try #require(report.duckdb.stats?.first)
        #expect(duck["i64"] == [String(i64.min()!), String(i64.max()!), "0"])
        #expect(duck["i32"] == [String(i32.min()!), String(i32.max()!), "0"])
        #expect(duck["s"]?[0] == stats["s"]?.min && duck["s"]?[1] == stats["s"]?.max)
        #expect(duck["b"] == ["false", "true", "0"])
    }

    @Test func oneRowFile() throws {
        let file = try write(
            Self.allTypes,
            [.boolean([true]), .int32([-1]), .int64([42]), .double([2.5]), .strings(["x"]), .int64([0]), .int32([7])])
        let report = try PythonReaders.report("file", file.path)
        #expect(report.pyarrow.numRows == 1)
        expectBothReaders(report, column: "b", equal: ["true"])
        expectBothReaders(report, column: "i64", equal: ["42"])
        expectBothReaders(report, column: "s", equal: ["x"])
        expectBothReaders(report, column: "d", equal: [Rendered.double(2.5)])
        expectBothReaders(report, column: "ts", equal: ["0"])
    }

    @Test func manyPagesAndManyRowGroups() throws {
        let n = 50_000
        let ids = (0..<n).map { Int64($0) * 37 }
        let kw = (0..<n).map { Double(($0 * 7_919) % 100_003) / 1000 }
        let flags = (0..<n).map { $0 % 5 == 0 }
        let names = (0..<n).map { "n\($0)" }
        let options = ParquetWriterOptions(pageSizeLimit: 4096, rowGroupRowLimit: 12_000)
        let columns = [
            ParquetColumn(name: "id", physicalType: .int64), ParquetColumn(name: "kw", physicalType: .double),
            ParquetColumn(name: "flag", physicalType: .boolean),
            ParquetColumn(name: "name", physicalType: .byteArray, logicalType: .string),
        ]
        let file = try write(columns, [.int64(ids), .double(kw), .boolean(flags), .strings(names)], options: options)
        #expect(file.footer.rowGroups.map(\.numRows) == [12_000, 12_000, 12_000, 12_000, 2_000])
        for group in file.footer.rowGroups {
            for chunk in group.columns {
                let meta = try #require(chunk.metaData)
                let pages = try ParquetPageScanner.pageHeaders(fileBytes: file.bytes, chunk: meta)
                let dataPages = pages.filter { if case .data = $0.kind { true } else { false } }
                // 12 000 booleans are 1 500 bytes, one page; every other column needs several 4 KiB pages.
                if meta.type != .boolean && group.numRows == 12_000 {
                    #expect(dataPages.count > 1, "\(meta.pathInSchema)")
                }
                #expect(
                    dataPages.reduce(0) { if case .data(let n, _) = $1.kind { $0 + Int(n) } else { $0 } }
                        == Int(group.numRows))
                #expect(pages.allSatisfy { Int($0.uncompressedPageSize) <= 4096 + 8 })
                #expect(meta.codec == .snappy)
            }
        }
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "id", equal: Rendered.ints(ids))
        expectBothReaders(report, column: "kw", equal: Rendered.doubles(kw))
        expectBothReaders(report, column: "flag", equal: Rendered.bools(flags))
        expectBothReaders(report, column: "name", equal: names)
        expectEveryChunkSnappy(report)
        for (g, group) in (report.pyarrow.rowGroups ?? []).enumerated() {
            let rows = (g * 12_000)..<min(n, (g + 1) * 12_000)
            #expect(group.columns["id"]?.min == String(ids[rows].min()!))
            #expect(group.columns["id"]?.max == String(ids[rows].max()!))
            #expect(group.columns["kw"]?.max == Rendered.double(kw[rows].max()!))
        }
    }

    @Test func allEqualValuesGiveEqualMinAndMax() throws {
        let n = 5_000
        let columns = Self.allTypes
        let file = try write(
            columns,
            [
                .boolean(Array(repeating: false, count: n)), .int32(Array(repeating: 9, count: n)),
                .int64(Array(repeating: -3, count: n)), .double(Array(repeating: 0.0, count: n)),
                .strings(Array(repeating: "same", count: n)), .int64(Array(repeating: 1, count: n)),
                .int32(Array(repeating: 0, count: n)),
            ])
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "i64", equal: Array(repeating: "-3", count: n))
        expectBothReaders(report, column: "s", equal: Array(repeating: "same", count: n))
        expectBothReaders(report, column: "b", equal: Array(repeating: "false", count: n))
        let stats = try #require(report.pyarrow.rowGroups?.first?.columns)
        #expect(stats["i32"]?.min == "9" && stats["i32"]?.max == "9")
        #expect(stats["s"]?.min == "same" && stats["s"]?.max == "same")
        #expect(stats["b"]?.min == "false" && stats["b"]?.max == "false")
        // notes §6: a zero min is written as -0.0, a zero max as +0.0.
        #expect(stats["d"]?.min == Rendered.double(-0.0) && stats["d"]?.max == Rendered.double(0.0))
        #expect(file.bytes.count < 2_000, "constant columns collapse to one RLE run per page")
    }

    @Test func extremeIntegersAndDoubles() throws {
        let i64: [Int64] = [.max, .min, 0, -1, 1, .max - 1, .min + 1, 0]
        let i32: [Int32] = [.max, .min, 0, -1, 1, .max - 1, .min + 1, 0]
        let d: [Double] = [
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -0.0, .infinity, -.infinity,
            .nan, 1e-300,
        ]
        let columns = [
            ParquetColumn(name: "i64", physicalType: .int64), ParquetColumn(name: "i32", physicalType: .int32),
            ParquetColumn(name: "d", physicalType: .double),
        ]
        let file = try write(columns, [.int64(i64), .int32(i32), .double(d)])
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "i64", equal: Rendered.ints(i64))
        expectBothReaders(report, column: "i32", equal: Rendered.ints(i32))
        expectBothReaders(report, column: "d", equal: Rendered.doubles(d))
        let stats = try #require(report.pyarrow.rowGroups?.first?.columns)
        #expect(stats["i64"]?.min == String(Int64.min) && stats["i64"]?.max == String(Int64.max))
        #expect(stats["i32"]?.min == String(Int32.min) && stats["i32"]?.max == String(Int32.max))
        #expect(stats["d"]?.min == Rendered.double(-.infinity) && stats["d"]?.max == Rendered.double(.infinity))
        #expect(file.footer.rowGroups[0].columns[2].metaData?.statistics?.nanCount == 1)
    }

    @Test func tenValueColumnsAreDictionaryEncoded() throws {
        let n = 10_000
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
        let s = (0..<n).map { words[($0 * 7) % 10] }
        let codes = (0..<n).map { Int64(($0 / 3) % 10) * 1_000_003 }
        let columns = [
            ParquetColumn(name: "s", physicalType: .byteArray, logicalType: .string),
            ParquetColumn(name: "code", physicalType: .int64),
        ]
        let file = try write(columns, [.strings(s), .int64(codes)])
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "s", equal: s)
        expectBothReaders(report, column: "code", equal: Rendered.ints(codes))
        let stats = try #require(report.pyarrow.rowGroups?.first?.columns)
        for name in ["s", "code"] {
            #expect(stats[name]?.hasDictionaryPage == true, "\(name)")
            #expect(stats[name]?.encodings.contains("RLE_DICTIONARY") == true, "\(name)")
        }
        #expect(stats["s"]?.min == "alpha" && stats["s"]?.max == "zeta")
        #expect(stats["code"]?.min == "0" && stats["code"]?.max == String(9 * 1_000_003))
    }

    @Test func highCardinalityStringsArePlain() throws {
        let n = 20_000
        let s = (0..<n).map { i in
            i % 1000 == 0 ? "😀\(i)" : (i % 777 == 0 ? "｡\(i)" : "reading-\(i * 7_919 % 1_000_003)")
        }
        let file = try write([ParquetColumn(name: "s", physicalType: .byteArray, logicalType: .string)], [.strings(s)])
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "s", equal: s)
        let chunk = try #require(report.pyarrow.rowGroups?.first?.columns["s"])
        #expect(chunk.hasDictionaryPage == false)
        let byteOrder = s.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(chunk.min == String(decoding: byteOrder.first!, as: UTF8.self))
        #expect(chunk.max == String(decoding: byteOrder.last!, as: UTF8.self))
    }

    @Test func categoricalColumnKeepsOnlyUsedEntries() throws {
        let dictionary = [Array("measured".utf8), Array("interpolated".utf8), Array("unused".utf8)]
        let indices: [UInt32] = (0..<3_000).map { $0 % 7 == 0 ? 1 : 0 }
        let file = try write(
            [ParquetColumn(name: "q", physicalType: .byteArray, logicalType: .string)],
            [.categorical(dictionary: dictionary, indices: indices)])
        let report = try PythonReaders.report("file", file.path)
        expectBothReaders(report, column: "q", equal: indices.map { $0 == 1 ? "interpolated" : "measured" })
        let chunk = try #require(report.pyarrow.rowGroups?.first?.columns["q"])
        #expect(chunk.min == "interpolated" && chunk.max == "measured")
    }

    @Test func footerCarriesCreatedByAndKeyValueMetadata() throws {
        let file = try write(
            [ParquetColumn(name: "x", physicalType: .int32)], [.int32([1, 2, 3])],
            metadata: [KeyValue(key: "greenstream.job_id", value: "12"), KeyValue(key: "note", value: "ünïcode")])
        #expect(file.footer.numRows == 3)
        #expect(file.footer.schema.map(\.name) == ["schema", "x"])
        #expect(file.footer.columnOrderCount == 1)
        #expect(file.footer.createdBy == ParquetWriterOptions().createdBy)
        #expect(file.footer.metadataValue(forKey: "note") == "ünïcode")
        let report = try PythonReaders.report("file", file.path)
        #expect(report.pyarrow.createdBy == ParquetWriterOptions().createdBy)
        #expect(report.pyarrow.keyValue == ["greenstream.job_id": "12", "note": "ünïcode"])
    }

    @Test func fileWithNoRowsIsReadable() throws {
        let file = try write(
            Self.allTypes, [.boolean([]), .int32([]), .int64([]), .double([]), .strings([]), .int64([]), .int32([])])
        #expect(file.footer.rowGroups.isEmpty)
        let report = try PythonReaders.report("file", file.path)
        #expect(report.pyarrow.numRows == 0)
        #expect(report.duckdb.columns["i64"] == [])
    }
}
