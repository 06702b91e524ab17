// SHA-256 of a source file: the archive footer names it (R-P-3) and the coordinator compares it
// to find duplicate files. swift-crypto's SHA256 (BoringSSL on Linux) does the hashing.
import Crypto
import GreenStreamArchive

/// The SHA-256 of a file's bytes, as lowercase hex.
public enum SourceDigest {
    /// 64 lowercase hex digits.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension ArchiveSource {
    /// The archive's record of a source file: its name and the SHA-256 of `contents`.
    public init(fileName: String, contents: [UInt8]) throws {
        try self.init(fileName: fileName, sha256: SourceDigest.sha256Hex(contents))
    }
}
