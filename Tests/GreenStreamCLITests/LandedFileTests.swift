import Foundation
import GreenStreamCore
import GreenStreamFiles
import GreenStreamTesting
import Testing

/// The file edge the CLI (and the worker) use: size check first (R-IN-3), then the bytes.
struct LandedFileTests {
    @Test("R-IN-3 a file over the limit is too_large; at the limit it is read whole; a missing one is an I/O error")
    func sizeLimitAndErrors() throws {
        let dir = try TransformCommandTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("f.csv").path
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try LandedFile.read(path: path, maxBytes: 100_000) == bytes)
        #expect(throws: FileFailure.tooLarge) { try LandedFile.read(path: path, maxBytes: 99_999) }
        #expect(throws: LandedFileError.self) { try LandedFile.read(path: path + ".missing", maxBytes: 10) }
    }

    @Test("R-P-3 the source digest is SHA-256 in lowercase hex")
    func sha256() {
        #expect(SourceDigest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SourceDigest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

/// The shared child-process runner that tests and benchmarks use.
struct ChildProcessTests {
    @Test("ChildProcess passes extra environment variables and returns both output streams and the status")
    func environmentAndStreams() throws {
        let result = try ChildProcess.run(
            "bash", ["-c", "echo \"$GS_CHILD_TEST\"; echo err >&2; exit 3"], environment: ["GS_CHILD_TEST": "hello"])
        #expect(result.status == 3)
        #expect(result.stdoutText == "hello\n")
        #expect(result.stderrText == "err\n")
    }
}
