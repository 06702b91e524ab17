// Reading a landed file for the transform: the size limit is checked on the open file before any
// byte is read (R-IN-3: a file over the limit is `too_large`, unread), and the bytes go straight
// into one [UInt8] (no Data copy), since a file may be 256 MiB.
import GreenStreamCore
#if canImport(Glibc)
import Glibc
#endif

/// A landed CSV file that could not be read (not a property of its contents: retryable).
public struct LandedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system call that failed.
    public var call: String
    public var path: String
    public var errno: Int32

    /// The failed call and the system's message, e.g. `open: No such file or directory`.
    public var reason: String { "\(call): \(String(cString: strerror(errno)))" }

    public var description: String { "cannot read \(path): \(reason)" }
}

/// Reads landed files whole, with the R-IN-3 size check first.
public enum LandedFile {
    /// The bytes of the file at `path`.
    /// - Throws: `FileFailure.tooLarge` when it holds more than `maxBytes` bytes (checked from its size
    ///   before reading, and again while reading in case it grows), ``LandedFileError`` when it cannot be read.
    public static func read(path: String, maxBytes: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LandedFileError(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LandedFileError(call: "fstat", path: path, errno: errno) }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw FileFailure.tooLarge }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw LandedFileError(call: "read", path: path, errno: errno) }
            if n == 0 { break }  // shrank while we read: keep what is there
            done += n
        }
        bytes.removeLast(size - done)
        // Grew while we read: read on, within the limit.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw LandedFileError(call: "read", path: path, errno: errno) }
            if n == 0 { return bytes }
            guard bytes.count + n <= maxBytes else { throw FileFailure.tooLarge }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
}
