// The POSIX calls behind R-P-1's durability: write to a temporary name, fsync the file, rename
// it into place, fsync the directory (so the rename itself survives a power cut). Every failure
// becomes ArchiveError.io naming the call and the path.
import Glibc
import Parquet

enum DurableFiles {
    /// Writes `bytes` to `path` so that a reader sees either the old file or the complete new one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let (directory, name) = split(path)
        // Unique per process and call: two attempts (or threads) never share a temporary file.
        let temporary = directory + "/." + name + ".tmp-\(getpid())-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ArchiveError.io(call: "open", path: temporary, errno: errno) }
        do {
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ArchiveError.io(call: "write", path: temporary, errno: errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw ArchiveError.io(call: "fsync", path: temporary, errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        try rename(temporary, to: path)
    }

    /// Runs `body` holding an exclusive `flock` on `path` (created if missing, with its directory),
    /// which excludes other threads and other processes alike.
    static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        try makeDirectories(split(path).directory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ArchiveError.io(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ArchiveError.io(call: "flock", path: path, errno: errno) }
        }
        return try body()
    }

    /// Renames `from` over `to` and fsyncs the destination directory (and the source's, if different).
    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw ArchiveError.io(call: "rename", path: from + " -> " + to, errno: errno)
        }
        try syncDirectory(split(to).directory)
        if split(from).directory != split(to).directory { try syncDirectory(split(from).directory) }
    }

    /// Creates `path` and any missing parents, fsyncing each parent that gained an entry.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = split(path).directory
        if parent != path && !parent.isEmpty { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw ArchiveError.io(call: "mkdir", path: path, errno: errno) }
        try syncDirectory(parent)
    }

    /// fsyncs a directory so entries created, renamed or removed in it are durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.io(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ArchiveError.io(call: "fsync", path: path, errno: errno) }
    }

    /// Removes a file; a missing file is fine (idempotent undo).
    static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw ArchiveError.io(call: "unlink", path: path, errno: errno) }
    }

    /// Removes an empty directory; a missing or non-empty one is left alone.
    static func removeDirectoryIfEmpty(_ path: String) throws {
        if rmdir(path) != 0 && ![ENOENT, ENOTEMPTY, EEXIST].contains(errno) {
            throw ArchiveError.io(call: "rmdir", path: path, errno: errno)
        }
    }

    /// Removes a directory tree; a missing one is fine.
    static func removeTree(_ path: String) throws {
        guard isDirectory(path) else { return try removeFile(path) }
        for entry in try list(path) {
            let child = path + "/" + entry
            if isDirectory(child) { try removeTree(child) } else { try removeFile(child) }
        }
        if rmdir(path) != 0 && errno != ENOENT { throw ArchiveError.io(call: "rmdir", path: path, errno: errno) }
    }

    /// The names in a directory (without `.` and `..`); empty if it does not exist.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw ArchiveError.io(call: "opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a small file whole, through Parquet's read loop.
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return try ParquetFooterReader.readFile(path)
        } catch ParquetError.io(let call, let path, let errno) {
            throw ArchiveError.io(call: call, path: path, errno: errno)
        }
    }

    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }
}
