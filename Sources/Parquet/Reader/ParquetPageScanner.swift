// Walks a column chunk's pages by their headers, to check how a chunk was paged without
// decoding any values.

/// Lists the page headers of column chunks.
public enum ParquetPageScanner {
    /// The headers of every page in `chunk`, in file order.
    /// - Throws: ``ParquetError/invalidFile(_:)`` when a header is malformed or pages overrun the chunk.
    public static func pageHeaders(fileBytes bytes: [UInt8], chunk: ColumnMetaData) throws -> [PageHeader] {
        let start = Int(chunk.dictionaryPageOffset.map { min($0, chunk.dataPageOffset) } ?? chunk.dataPageOffset)
        let end = start + Int(chunk.totalCompressedSize)
        guard start >= 4, end <= bytes.count - 8 else {
            throw ParquetError.invalidFile("column chunk outside the file")
        }
        var headers: [PageHeader] = []
        var offset = start
        while offset < end {
            var reader = ThriftCompactReader(bytes, offset: offset)
            let s: ThriftStruct
            do {
                s = try reader.readStruct()
            } catch {
                throw ParquetError.invalidFile("page header at \(offset): \(error)")
            }
            let header = try PageHeader(thrift: s, at: offset)
            headers.append(header)
            offset = reader.offset + Int(header.compressedPageSize)
        }
        guard offset == end else {
            throw ParquetError.invalidFile("pages overrun the column chunk by \(offset - end) bytes")
        }
        return headers
    }
}

extension PageHeader {
    init(thrift s: ThriftStruct, at offset: Int) throws {
        guard let type = s.int(1), let uncompressed = s.int(2), let compressed = s.int(3),
            uncompressed >= 0, compressed >= 0, uncompressed <= Int64(Int32.max), compressed <= Int64(Int32.max)
        else { throw ParquetError.invalidFile("page header at \(offset) lacks type or sizes") }
        switch PageType(rawValue: Int32(truncatingIfNeeded: type)) {
        case .dataPage:
            guard let sub = s.structure(5), let n = sub.int(1), let raw = sub.int(2),
                let encoding = Encoding(rawValue: Int32(truncatingIfNeeded: raw))
            else { throw ParquetError.invalidFile("data page header at \(offset) is incomplete") }
            kind = .data(numValues: Int32(truncatingIfNeeded: n), encoding: encoding)
        case .dictionaryPage:
            guard let sub = s.structure(7), let n = sub.int(1) else {
                throw ParquetError.invalidFile("dictionary page header at \(offset) is incomplete")
            }
            kind = .dictionary(numValues: Int32(truncatingIfNeeded: n))
        default:
            throw ParquetError.invalidFile("page type \(type) at \(offset) is not supported by this scanner")
        }
        uncompressedPageSize = Int32(uncompressed)
        compressedPageSize = Int32(compressed)
    }
}
