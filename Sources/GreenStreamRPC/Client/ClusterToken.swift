#if canImport(Glibc)
    import Glibc
#endif

/// The cluster token from a command line and environment (R-R-3), the same way for the
/// coordinator, workers and gsctl: `--token` / `GS_TOKEN`, or `--token-file` / `GS_TOKEN_FILE`
/// whose content counts without the whitespace around it (a trailing newline is not part of it).
public enum ClusterToken {
    /// Why no token could be had.
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The token: an option beats its environment variable, and a literal token beats a file.
    /// - Parameters:
    ///   - token: `--token`.
    ///   - tokenFile: `--token-file`.
    ///   - environment: the process environment (`GS_TOKEN`, `GS_TOKEN_FILE`).
    /// - Throws: ``Error`` when no token is given, the file cannot be read, or it holds only whitespace.
    public static func resolve(token: String?, tokenFile: String?, environment: [String: String]) throws(Error)
        -> String
    {
        if let token, !token.isEmpty { return token }
        if let file = tokenFile ?? environment["GS_TOKEN_FILE"], !file.isEmpty {
            return try read(file)
        }
        if let token = environment["GS_TOKEN"], !token.isEmpty { return token }
        throw Error(description: "no cluster token: give --token, --token-file, GS_TOKEN or GS_TOKEN_FILE")
    }

    /// The content of a token file without surrounding whitespace.
    /// - Throws: ``Error`` when it cannot be read or is blank.
    public static func read(_ path: String) throws(Error) -> String {
        guard let f = fopen(path, "rb") else {
            throw Error(description: "cannot read the token file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n == 0 { break }
            bytes += chunk[0..<n]
            guard bytes.count <= 64 << 10 else { throw Error(description: "the token file \(path) is too large") }
        }
        let token = trimmed(String(decoding: bytes, as: UTF8.self))
        guard !token.isEmpty else { throw Error(description: "the token file \(path) is empty") }
        return token
    }

    /// `text` without leading and trailing spaces, tabs, CR and LF.
    public static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}
