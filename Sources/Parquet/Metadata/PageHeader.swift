// PageHeader, DataPageHeader (v1) and DictionaryPageHeader from parquet.thrift. Headers are
// never compressed; the sizes count body bytes only.

/// The header in front of every page body.
public struct PageHeader: Sendable, Equatable {
    /// What follows: a data page (v1) or a dictionary page.
    public enum Kind: Sendable, Equatable {
        /// A v1 data page with its value count and value encoding.
        case data(numValues: Int32, encoding: Encoding)
        /// A dictionary page with its entry count (entries are PLAIN).
        case dictionary(numValues: Int32)
    }

    /// Page kind and sub-header.
    public var kind: Kind
    /// Body size before compression.
    public var uncompressedPageSize: Int32
    /// Body size as stored.
    public var compressedPageSize: Int32

    /// Creates a header.
    public init(kind: Kind, uncompressedPageSize: Int32, compressedPageSize: Int32) {
        self.kind = kind
        self.uncompressedPageSize = uncompressedPageSize
        self.compressedPageSize = compressedPageSize
    }

    /// Appends the header's compact-protocol bytes to `w`.
    public func encode(into w: inout ThriftCompactWriter) {
        w.beginStructElement()
        switch kind {
        case .data(let numValues, let encoding):
            w.writeI32(1, PageType.dataPage.rawValue)
            w.writeI32(2, uncompressedPageSize)
            w.writeI32(3, compressedPageSize)
            w.beginStruct(5)
            w.writeI32(1, numValues)
            w.writeI32(2, encoding.rawValue)
            // Level encodings are required even when a REQUIRED flat column has no levels.
            w.writeI32(3, Encoding.rle.rawValue)
            w.writeI32(4, Encoding.rle.rawValue)
            w.endStruct()
        case .dictionary(let numValues):
            w.writeI32(1, PageType.dictionaryPage.rawValue)
            w.writeI32(2, uncompressedPageSize)
            w.writeI32(3, compressedPageSize)
            w.beginStruct(7)
            w.writeI32(1, numValues)
            w.writeI32(2, Encoding.plain.rawValue)
            w.endStruct()
        }
        w.endStruct()
    }
}
