// Writes one column chunk's pages: each body is snappy-compressed on its own, then the
// uncompressed Thrift PageHeader and the compressed body go to the file. The sizes it adds up
// include the page headers, as ColumnMetaData's total sizes must (notes §3).

/// Compresses pages into the file buffer and keeps the chunk's offsets and sizes.
struct PageWriter {
    private(set) var totalUncompressedSize: Int64 = 0
    private(set) var totalCompressedSize: Int64 = 0
    private(set) var dataPageOffset: Int64?
    private(set) var dictionaryPageOffset: Int64?
    private var compressed: [UInt8] = []

    /// Appends a page with the given kind and uncompressed body to `file`.
    mutating func writePage(_ kind: PageHeader.Kind, body: UnsafeRawBufferPointer, to file: inout [UInt8]) throws {
        compressed.removeAll(keepingCapacity: true)
        let compressedCount = Snappy.compress(body, appendingTo: &compressed)
        guard body.count <= Int(Int32.max), compressedCount <= Int(Int32.max) else {
            throw ParquetError.valueTooLarge("page body of \(body.count) bytes")
        }
        var header = ThriftCompactWriter()
        PageHeader(kind: kind, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(compressedCount))
            .encode(into: &header)
        let offset = Int64(file.count)
        switch kind {
        case .dictionary: dictionaryPageOffset = offset
        case .data: if dataPageOffset == nil { dataPageOffset = offset }
        }
        file.append(contentsOf: header.bytes)
        file.append(contentsOf: compressed)
        totalUncompressedSize += Int64(header.bytes.count + body.count)
        totalCompressedSize += Int64(header.bytes.count + compressedCount)
    }

    /// Appends a page whose body is `body` (convenience over arrays).
    mutating func writePage(_ kind: PageHeader.Kind, body: [UInt8], to file: inout [UInt8]) throws {
        try body.withUnsafeBytes { try writePage(kind, body: $0, to: &file) }
    }
}
