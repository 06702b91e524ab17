import Foundation
import GreenStreamTesting

/// Reads a Hive-partitioned archive folder with pyarrow, through the interpreter at GS_PYTHON
/// (scripts/test.sh sets it to the .venv that scripts/install-deps.sh makes).
enum ArchiveReader {
    static var interpreter: String { ProcessInfo.processInfo.environment["GS_PYTHON"] ?? "python3" }

    /// Every `readings/**/*.parquet` under `root`, by path relative to `root`: its rows as
    /// `meter_id,ts_micros,kw,quality,hour_of_day,is_peak_window,job_id` lines (kw in Python's
    /// shortest round-trip form), sorted.
    static func rows(under root: URL) throws -> [String: [String]] {
        try run(root, mode: "rows", as: [String: [String]].self)
    }

    /// Row count per file (the footer's, without reading the rows).
    static func counts(under root: URL) throws -> [String: Int] {
        try run(root, mode: "counts", as: [String: Int].self)
    }

    private static func run<T: Decodable>(_ root: URL, mode: String, as: T.Type) throws -> T {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("gs-archive-\(UUID()).py")
        try readerScript.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let result = try ChildProcess.run(interpreter, [script.path, root.path, mode])
        guard result.status == 0 else {
            throw ChildProcessError("\(interpreter) could not read the archive under \(root.path): \(result.stderrText)")
        }
        return try JSONDecoder().decode(T.self, from: result.stdout)
    }

    private static let readerScript = """
        import glob, json, os, sys
        import pyarrow as pa, pyarrow.parquet as pq
        root = sys.argv[1]
        out = {}
        for path in sorted(glob.glob(os.path.join(root, "readings", "**", "*.parquet"), recursive=True)):
            rel = os.path.relpath(path, root)
            if any(part.startswith(".") for part in rel.split(os.sep)):
                continue
            if sys.argv[2] == "counts":
                out[rel] = pq.ParquetFile(path).metadata.num_rows
                continue
            t = pq.read_table(path, partitioning=None)
            ts = t.column("ts").cast(pa.int64()).to_pylist()
            cols = [t.column(c).to_pylist() for c in ("meter_id", "kw", "quality", "hour_of_day", "is_peak_window", "job_id")]
            lines = []
            for i in range(t.num_rows):
                m, kw, q, h, p, j = (c[i] for c in cols)
                lines.append(f"{m},{ts[i]},{kw!r},{q},{h},{'true' if p else 'false'},{j}")
            out[rel] = sorted(lines)
        json.dump(out, sys.stdout)
        """
}
