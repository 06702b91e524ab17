/// The input file a job's readings came from; recorded in every archive file's footer (R-P-3).
public struct ArchiveSource: Sendable, Equatable {
    /// The file name as it landed (no directories).
    public var fileName: String
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    public var sha256: String

    /// Creates a source description.
    /// - Throws: ``ArchiveError/invalidSourceDigest(_:)`` unless `sha256` is 64 lowercase hex digits.
    public init(fileName: String, sha256: String) throws {
        guard sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { throw ArchiveError.invalidSourceDigest(sha256) }
        self.fileName = fileName
        self.sha256 = sha256
    }
}
