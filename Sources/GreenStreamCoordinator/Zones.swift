// The zones under the data directory (SPEC R-J-1, R-J-5) and every file operation the coordinator does
// on them. Each move is a rename followed by an fsync of both directories, each new file is written to
// a temporary name, fsynced and renamed, so a crash leaves every file whole in exactly one place.
// All of it blocks: callers run it on the coordinator's file threads (Coordinator.files), never on
// Swift's cooperative threads.
import Crypto
import Foundation
import GreenStreamCore
import GreenStreamStore

#if canImport(Glibc)
    import Glibc
#endif

/// A file operation on the zones failed.
public struct ZoneError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var path: String
    public var errno: Int32
    public var description: String { "\(call) \(path): \(String(cString: strerror(errno)))" }
}

/// One file waiting in `landing/`.
public struct LandingEntry: Sendable, Equatable, Hashable {
    public var name: String
    public var size: Int64
    /// Identity of this landing: a file renamed over another gets a new inode and ctime.
    public var inode: UInt64
    public var ctimeNanos: Int64
}

/// The data directory's zones: `landing/`, `processed/`, `quarantine/` (with `rejects/`), `archive/`.
public struct Zones: Sendable {
    public let dataDirectory: String
    public var landing: String { dataDirectory + "/landing" }
    public var processed: String { dataDirectory + "/processed" }
    public var quarantine: String { dataDirectory + "/quarantine" }
    public var rejects: String { quarantine + "/rejects" }
    /// Rejects CSVs of attempts that have not committed yet (see CommitSequence).
    public var rejectsStaging: String { rejects + "/.staging" }
    public var archive: String { dataDirectory + "/archive" }

    public init(dataDirectory: String) {
        var dir = dataDirectory
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        self.dataDirectory = dir
    }

    // MARK: Names

    /// Names a writer is still writing (R-J-1): hidden names and `.tmp`/`.part` suffixes.
    public static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part")
    }

    /// Names refused outright (R-J-1): empty, with a path separator, `..`, or control characters.
    public static func isSafe(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.contains("\\") && !name.contains("..")
            && !name.utf8.contains { $0 < 0x20 || $0 == 0x7F } && name.utf8.count <= 255
    }

    public func processedPath(jobID: Int64, name: String) -> String { processed + "/\(jobID)-\(name)" }
    public func quarantinePath(jobID: Int64, name: String) -> String { quarantine + "/\(jobID)-\(name)" }
    public func quarantineRecordPath(jobID: Int64, name: String) -> String {
        quarantinePath(jobID: jobID, name: name) + ".json"
    }
    public func rejectsPath(jobID: Int64) -> String { rejects + "/\(jobID).csv" }
    public func stagedRejectsPath(_ lease: JobLease) -> String {
        rejectsStaging + "/\(lease.jobID)-a\(lease.attempt).csv"
    }

    // MARK: Set-up and listing

    /// Creates every zone that is missing.
    public func createAll() throws {
        for dir in [dataDirectory, landing, processed, quarantine, rejects, rejectsStaging, archive] {
            try makeDirectory(dir)
        }
    }

    /// The files waiting in `landing/` (regular files, not ignored), oldest landing first: by ctime,
    /// which a rename into the folder sets (R-H-1 depends on this order), then by name.
    public func landingEntries() throws -> [LandingEntry] {
        var entries: [LandingEntry] = []
        for name in try list(landing) where !Self.isIgnored(name) {
            guard let entry = entry(name) else { continue }
            entries.append(entry)
        }
        return entries.sorted { ($0.ctimeNanos, $0.name) < ($1.ctimeNanos, $1.name) }
    }

    /// The landing entry for `name`, or nil when it is not a regular file there (any more).
    public func entry(_ name: String) -> LandingEntry? {
        var info = stat()
        guard lstat(landing + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return LandingEntry(
            name: name, size: Int64(info.st_size), inode: UInt64(info.st_ino),
            ctimeNanos: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    /// SHA-256 and size of a file, read in 1 MiB chunks (a file over the size limit still gets a job,
    /// which then fails `too_large`).
    public func digest(path: String) throws -> (sha256: [UInt8], size: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ZoneError(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ZoneError(call: "read", path: path, errno: errno) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            size += Int64(n)
        }
        return (Array(hasher.finalize()), size)
    }

    /// Where a job's raw file is now: `landing/<name>` while it waits there (same size as when it
    /// landed), else `quarantine/<job_id>-<name>` (a quarantined job sent through again); nil if neither.
    public func rawFile(of job: Job) -> String? {
        if let entry = entry(job.fileName), entry.size == job.sizeBytes { return landing + "/" + job.fileName }
        let quarantined = quarantinePath(jobID: job.id, name: job.fileName)
        return exists(quarantined) ? quarantined : nil
    }

    /// Whether an ended job's raw file is already in `processed/` or `quarantine/`: then a file of
    /// the same name and content in `landing/` is a new landing, not that job's.
    public func rawFileHasLeftLanding(of job: Job) -> Bool {
        exists(processedPath(jobID: job.id, name: job.fileName)) || exists(quarantinePath(jobID: job.id, name: job.fileName))
    }

    // MARK: Moves

    /// Moves a finished job's raw file to `processed/` (success, duplicate) and drops a quarantine
    /// record left from an earlier failure. Idempotent: a file already there is fine.
    /// - Returns: the new path, or nil when the raw file was found nowhere.
    @discardableResult
    public func moveRawToProcessed(_ job: Job) throws -> String? {
        let target = processedPath(jobID: job.id, name: job.fileName)
        // The record first: once the file is in processed/ nothing of its quarantine is left.
        try removeFile(quarantineRecordPath(jobID: job.id, name: job.fileName))
        let found = rawFile(of: job)
        if let found { try move(found, to: target) }
        return found != nil || exists(target) ? target : nil
    }

    /// Moves a quarantined job's raw file to `quarantine/` and writes its JSON record beside it (R-J-5).
    @discardableResult
    public func moveRawToQuarantine(_ job: Job, reason: String) throws -> String? {
        let target = quarantinePath(jobID: job.id, name: job.fileName)
        try writeAtomically(
            Array(Self.quarantineRecord(job, reason: reason).utf8),
            to: quarantineRecordPath(jobID: job.id, name: job.fileName))
        if let found = rawFile(of: job), found != target { try move(found, to: target) }
        return exists(target) ? target : nil
    }

    /// The JSON record beside a quarantined file: job id, file, reason, attempts, SHA-256, timestamps.
    public static func quarantineRecord(_ job: Job, reason: String) -> String {
        let object: [String: Any] = [
            "job_id": job.id, "file": job.fileName, "reason": reason, "attempts": Int(job.attempt),
            "sha256": job.sha256.map { String(format: "%02x", $0) }.joined(), "size_bytes": job.sizeBytes,
            "created_at": iso(job.createdAt), "quarantined_at": iso(job.finishedAt ?? Date()),
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    // MARK: Rejects, staged per attempt

    /// Writes an attempt's rejects CSV to its staging path before the hot commit; nothing when empty.
    public func stageRejects(_ lease: JobLease, csv: [UInt8]?) throws {
        try removeFile(stagedRejectsPath(lease))
        guard let csv else { return }
        try writeAtomically(csv, to: stagedRejectsPath(lease))
    }

    /// After the commit: the staged rejects CSV becomes `quarantine/rejects/<job_id>.csv`. Idempotent.
    public func publishRejects(_ lease: JobLease) throws {
        let staged = stagedRejectsPath(lease)
        if exists(staged) { try move(staged, to: rejectsPath(jobID: lease.jobID)) }
    }

    /// Drops an attempt's staged rejects CSV. Idempotent.
    public func discardRejects(_ lease: JobLease) throws {
        try removeFile(stagedRejectsPath(lease))
    }

    /// Attempts with a staged rejects CSV, for start-up reconciliation.
    public func stagedRejects() throws -> [JobLease] {
        try list(rejectsStaging).compactMap { name -> JobLease? in
            guard name.hasSuffix(".csv"), let dash = name.firstIndex(of: "-") else { return nil }
            let job = name[..<dash]
            let attempt = name[name.index(after: dash)...].dropLast(4)
            guard attempt.hasPrefix("a"), let id = Int64(job), let n = Int32(attempt.dropFirst()) else { return nil }
            return JobLease(jobID: id, attempt: n)
        }
    }

    /// Raw files in `quarantine/` with the job id their name starts with (records and rejects excluded).
    public func quarantinedRawFiles() throws -> [(jobID: Int64, path: String)] {
        try list(quarantine).compactMap { name in
            guard !name.hasSuffix(".json"), !Self.isIgnored(name), let dash = name.firstIndex(of: "-"),
                let id = Int64(name[..<dash])
            else { return nil }
            let path = quarantine + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return (id, path)
        }
    }

    // MARK: Ingest

    /// Lands `bytes` as `landing/<name>` the way R-J-1 asks writers to: a hidden temporary name, fsync,
    /// rename. Refuses to replace a file of that name still waiting there.
    public func land(name: String, bytes: [UInt8]) throws {
        let target = landing + "/" + name
        guard !exists(target) else { throw ZoneError(call: "land", path: target, errno: EEXIST) }
        try writeAtomically(bytes, to: target)
    }

    /// Reads a raw file whole (for the inline assignment).
    public func read(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ZoneError(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ZoneError(call: "fstat", path: path, errno: errno) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ZoneError(call: "read", path: path, errno: errno) }
            if n == 0 { break }
            done += n
        }
        bytes.removeLast(bytes.count - done)
        return bytes
    }

    // MARK: POSIX helpers

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw ZoneError(call: "opendir", path: path, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw ZoneError(call: "rename", path: from + " -> " + to, errno: errno) }
        try syncDirectory(directory(of: to))
        if directory(of: from) != directory(of: to) { try syncDirectory(directory(of: from)) }
    }

    func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let dir = directory(of: path)
        let name = String(path[path.index(after: path.lastIndex(of: "/")!)...])
        let temporary = dir + "/." + name + ".tmp-\(getpid())-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZoneError(call: "open", path: temporary, errno: errno) }
        do {
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ZoneError(call: "write", path: temporary, errno: errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw ZoneError(call: "fsync", path: temporary, errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        try move(temporary, to: path)
    }

    func removeFile(_ path: String) throws {
        if unlink(path) == 0 { return try syncDirectory(directory(of: path)) }
        if errno != ENOENT { throw ZoneError(call: "unlink", path: path, errno: errno) }
    }

    func makeDirectory(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 { return }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            if errno == ENOENT {
                try makeDirectory(directory(of: path))
                return try makeDirectory(path)
            }
            throw ZoneError(call: "mkdir", path: path, errno: errno)
        }
        try syncDirectory(directory(of: path))
    }

    func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ZoneError(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ZoneError(call: "fsync", path: path, errno: errno) }
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
