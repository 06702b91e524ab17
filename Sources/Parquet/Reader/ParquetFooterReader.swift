// Reads a file's footer: "PAR1" … FileMetaData | u32 LE length | "PAR1".
import Glibc

/// Reads the footer of a Parquet file so Swift code can inspect what was written.
public enum ParquetFooterReader {
    private static let magic: [UInt8] = Array("PAR1".utf8)

    /// Decodes the footer of a whole file held in memory.
    /// - Throws: ``ParquetError/invalidFile(_:)`` when the magic, length or metadata is wrong.
    public static func read(fileBytes bytes: [UInt8]) throws -> FileMetaData {
        guard bytes.count >= 12 else {
            throw ParquetError.invalidFile("file is \(bytes.count) bytes, too short for Parquet")
        }
        guard Array(bytes[0..<4]) == magic, Array(bytes[(bytes.count - 4)...]) == magic else {
            throw ParquetError.invalidFile("missing PAR1 magic")
        }
        let lengthAt = bytes.count - 8
        let footerLength = (0..<4).reduce(0) { $0 | Int(bytes[lengthAt + $1]) << (8 * $1) }
        guard footerLength <= lengthAt - 4 else {
            throw ParquetError.invalidFile("footer length \(footerLength) exceeds the file")
        }
        var reader = ThriftCompactReader(Array(bytes[(lengthAt - footerLength)..<lengthAt]))
        let root: ThriftStruct
        do {
            root = try reader.readStruct()
        } catch let error as ThriftDecodingError {
            throw ParquetError.invalidFile("footer is not valid Thrift: \(error)")
        }
        return try FileMetaData(thrift: root)
    }

    /// Reads the file at `path` and decodes its footer.
    /// - Throws: ``ParquetError/io(call:path:errno:)`` when the file cannot be read, else as ``read(fileBytes:)``.
    public static func read(path: String) throws -> FileMetaData {
        try read(fileBytes: readFile(path))
    }

    /// Reads only the footer of the file at `path` (its last bytes), however large the file.
    /// - Throws: ``ParquetError/io(call:path:errno:)`` when the file cannot be read, else as ``read(fileBytes:)``.
    public static func readFooter(path: String) throws -> FileMetaData {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError.io(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ParquetError.io(call: "fstat", path: path, errno: errno) }
        let size = Int(info.st_size)
        guard size >= 12 else { throw ParquetError.invalidFile("file is \(size) bytes, too short for Parquet") }
        func readAt(_ offset: Int, _ count: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw ParquetError.io(call: "pread", path: path, errno: n < 0 ? errno : EIO) }
                done += n
            }
            return out
        }
        let tail = try readAt(size - 8, 8)
        let footerLength = (0..<4).reduce(0) { $0 | Int(tail[$1]) << (8 * $1) }
        guard footerLength <= size - 12 else {
            throw ParquetError.invalidFile("footer length \(footerLength) exceeds the file")
        }
        // The footer with the magic around it: a small buffer that read(fileBytes:) accepts.
        return try read(fileBytes: try readAt(0, 4) + readAt(size - 8 - footerLength, footerLength) + tail)
    }

    /// Reads any file whole (a POSIX read loop, retried on `EINTR`); the archive reads its
    /// manifests with it too.
    /// - Throws: ``ParquetError/io(call:path:errno:)`` naming the failed call.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError.io(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ParquetError.io(call: "read", path: path, errno: errno)
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }
}
