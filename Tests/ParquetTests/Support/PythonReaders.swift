import Foundation
import GreenStreamTesting
import Testing

/// What pyarrow and DuckDB report about a Parquet file or a Hive-partitioned folder. Every value is
/// a string so nothing is lost in JSON: ints in decimal, doubles as the hex of their IEEE bits,
/// booleans as true/false, byte arrays as UTF-8 text.
struct ReaderReport: Decodable {
    struct Chunk: Decodable {
        var compression: String
        var encodings: [String]
        var numValues: Int
        var hasDictionaryPage: Bool
        var hasMinMax: Bool
        var min: String?
        var max: String?
        var nullCount: Int?
    }

    struct RowGroup: Decodable {
        var numRows: Int
        var columns: [String: Chunk]
    }

    struct PyArrow: Decodable {
        var types: [String: String]
        var columns: [String: [String]]
        var numRows: Int?
        var createdBy: String?
        var keyValue: [String: String]?
        var rowGroups: [RowGroup]?
    }

    struct DuckDB: Decodable {
        var types: [String: String]
        var columns: [String: [String]]
        var compressions: [String]?
        /// Per row group, per column: DuckDB's rendering of the chunk's min and max and its null count.
        var stats: [[String: [String?]]]?
    }

    var pyarrow: PyArrow
    var duckdb: DuckDB
}

/// Runs pyarrow and DuckDB on written files through the interpreter at GS_PYTHON (else python3).
enum PythonReaders {
    static var interpreter: String { ProcessInfo.processInfo.environment["GS_PYTHON"] ?? "python3" }

    /// Reads one file (`mode` "file") or a folder as a Hive-partitioned dataset (`mode` "hive").
    static func report(_ mode: String, _ path: String, sortBy: [String] = []) throws -> ReaderReport {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("gs-read-parquet-\(UUID()).py")
        try readerScript.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let result = try ChildProcess.run(interpreter, [script.path, mode, path, sortBy.joined(separator: ",")])
        guard result.status == 0 else {
            let message = result.stderrText
            Issue.record(
                "\(interpreter) failed reading \(path) (is pyarrow and duckdb installed? run scripts/test.sh): \(message)"
            )
            throw PythonReaderError.failed(message)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ReaderReport.self, from: result.stdout)
    }

    enum PythonReaderError: Error { case failed(String) }

    private static let readerScript = #"""
        import json, struct, sys
        import pyarrow as pa, pyarrow.parquet as pq, pyarrow.dataset as ds, duckdb

        def norm(v):
            if v is None: return None
            if isinstance(v, bool): return "true" if v else "false"
            if isinstance(v, int): return str(v)
            if isinstance(v, float): return struct.pack("<d", v).hex()
            if isinstance(v, bytes): return v.decode("utf-8")
            return str(v)

        def arrow_columns(table):
            cols = {}
            for name in table.column_names:
                col = table.column(name)
                if pa.types.is_timestamp(col.type): col = col.cast(pa.int64())
                if pa.types.is_dictionary(col.type): col = col.cast(col.type.value_type)
                cols[name] = [norm(v) for v in col.to_pylist()]
            return cols

        mode, path, sort_by = sys.argv[1], sys.argv[2], [c for c in sys.argv[3].split(",") if c]
        con = duckdb.connect()
        if mode == "file":
            f = pq.ParquetFile(path)
            md = f.metadata
            table = f.read()
            groups = []
            for i in range(md.num_row_groups):
                rg = md.row_group(i)
                chunks = {}
                for j in range(rg.num_columns):
                    c = rg.column(j)
                    s = c.statistics
                    chunks[c.path_in_schema] = {
                        "compression": c.compression, "encodings": list(c.encodings), "num_values": c.num_values,
                        "has_dictionary_page": c.has_dictionary_page, "has_min_max": bool(s and s.has_min_max),
                        "min": norm(s.min_raw) if s and s.has_min_max else None,
                        "max": norm(s.max_raw) if s and s.has_min_max else None,
                        "null_count": s.null_count if s and s.has_null_count else None}
                groups.append({"num_rows": rg.num_rows, "columns": chunks})
            kv = {k.decode(): v.decode() for k, v in (md.metadata or {}).items()}
            arrow = {"types": {fl.name: str(fl.type) for fl in table.schema}, "columns": arrow_columns(table),
                     "num_rows": md.num_rows, "created_by": md.created_by, "key_value": kv, "row_groups": groups}
            source = "read_parquet(?)"
            meta = con.execute("SELECT row_group_id, path_in_schema, compression, stats_min_value, stats_max_value, "
                               "stats_null_count FROM parquet_metadata(?) ORDER BY row_group_id, column_id", [path]).fetchall()
            compressions = [r[2] for r in meta]
            duck_stats = [{} for _ in range(md.num_row_groups)]
            for g, name, _, lo, hi, nulls in meta: duck_stats[g][name] = [lo, hi, norm(nulls)]
        else:
            table = ds.dataset(path, format="parquet", partitioning="hive").to_table()
            if sort_by: table = table.sort_by([(c, "ascending") for c in sort_by])
            arrow = {"types": {fl.name: str(fl.type) for fl in table.schema}, "columns": arrow_columns(table)}
            path = path.rstrip("/") + "/**/*.parquet"
            source = "read_parquet(?, hive_partitioning=true)"
            compressions = None
            duck_stats = None
        described = con.execute(f"DESCRIBE SELECT * FROM {source}", [path]).fetchall()
        exprs = []
        for name, typ, *_ in described:
            q = '"' + name.replace('"', '""') + '"'
            if typ.startswith("TIMESTAMP"): exprs.append(f"epoch_us({q})")
            elif typ == "DATE": exprs.append(f"CAST({q} AS VARCHAR)")
            else: exprs.append(q)
        order = (" ORDER BY " + ", ".join('"' + c + '"' for c in sort_by)) if sort_by else ""
        rows = con.execute(f"SELECT {', '.join(exprs)} FROM {source}{order}", [path]).fetchall()
        duck = {"types": {d[0]: d[1] for d in described},
                "columns": {d[0]: [norm(r[i]) for r in rows] for i, d in enumerate(described)},
                "compressions": compressions, "stats": duck_stats}
        print(json.dumps({"pyarrow": arrow, "duckdb": duck}))
        """#
}

/// The strings ``ReaderReport`` uses for values.
enum Rendered {
    static func ints<I: BinaryInteger>(_ values: [I]) -> [String] { values.map { String($0) } }
    static func doubles(_ values: [Double]) -> [String] { values.map(double) }
    static func double(_ v: Double) -> String {
        (0..<8).map { String(format: "%02x", UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0))) }.joined()
    }
    static func bools(_ values: [Bool]) -> [String] { values.map { $0 ? "true" : "false" } }
}

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gs-parquet-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
