/// Everything that can go wrong writing or reading Parquet with this module.
public enum ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The values given do not match the schema (count of columns, lengths, physical types).
    case schemaMismatch(String)
    /// A value cannot be stored, e.g. a byte array longer than 2 GiB or a page over Int32 sizes.
    case valueTooLarge(String)
    /// Options that make no sense, e.g. a zero row-group size.
    case invalidOptions(String)
    /// A file being read is not valid Parquet.
    case invalidFile(String)
    /// A system call failed.
    case io(call: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .schemaMismatch(let m): "Parquet schema mismatch: \(m)"
        case .valueTooLarge(let m): "Parquet value too large: \(m)"
        case .invalidOptions(let m): "invalid Parquet writer options: \(m)"
        case .invalidFile(let m): "invalid Parquet file: \(m)"
        case .io(let call, let path, let errno): "\(call)(\(path)) failed: errno \(errno)"
        }
    }
}
