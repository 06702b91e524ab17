// Turns one column's values for one row group into pages (an optional dictionary page, then
// data pages bounded by the page size limit) and returns the chunk's metadata upward.

/// Writes one column chunk.
struct ColumnChunkWriter {
    let column: ParquetColumn
    let options: ParquetWriterOptions

    /// Writes rows `rows` of `values` to `file` and returns the chunk's metadata.
    func write(_ values: ColumnValues, rows: Range<Int>, to file: inout [UInt8]) throws -> ColumnChunk {
        var pages = PageWriter()
        let encodings: [Encoding]
        let statistics: Statistics
        switch values {
        case .boolean(let all):
            (encodings, statistics) = try all.withUnsafeBufferPointer { buffer in
                let slice = UnsafeBufferPointer(rebasing: buffer[rows])
                try writePlainPages(
                    count: slice.count, valuesPerPage: options.pageSizeLimit * 8, pages: &pages, file: &file
                ) {
                    range, body in PlainEncoder.append(UnsafeBufferPointer(rebasing: slice[range]), to: &body)
                }
                return ([.plain, .rle], StatisticsBuilder.of(slice))
            }
        case .int32(let all):
            (encodings, statistics) = try all.withUnsafeBufferPointer {
                try writeFixed(
                    UnsafeBufferPointer(rebasing: $0[rows]), pages: &pages, file: &file, stats: StatisticsBuilder.of)
            }
        case .int64(let all):
            (encodings, statistics) = try all.withUnsafeBufferPointer {
                try writeFixed(
                    UnsafeBufferPointer(rebasing: $0[rows]), pages: &pages, file: &file, stats: StatisticsBuilder.of)
            }
        case .double(let all):
            (encodings, statistics) = try all.withUnsafeBufferPointer {
                try writeFixed(
                    UnsafeBufferPointer(rebasing: $0[rows]), pages: &pages, file: &file, stats: StatisticsBuilder.of)
            }
        case .byteArray(let all):
            (encodings, statistics) = try writeByteArrays(all[rows], pages: &pages, file: &file)
        case .categorical(let dictionary, let indices):
            (encodings, statistics) = try writeCategorical(dictionary, indices[rows], pages: &pages, file: &file)
        }
        guard let dataPageOffset = pages.dataPageOffset else {
            preconditionFailure("a column chunk always has at least one data page")
        }
        let meta = ColumnMetaData(
            type: column.physicalType, encodings: encodings, pathInSchema: [column.name], codec: .snappy,
            numValues: Int64(rows.count), totalUncompressedSize: pages.totalUncompressedSize,
            totalCompressedSize: pages.totalCompressedSize, dataPageOffset: dataPageOffset,
            dictionaryPageOffset: pages.dictionaryPageOffset, statistics: statistics)
        return ColumnChunk(fileOffset: 0, metaData: meta)
    }

    // MARK: - Fixed width

    private func writeFixed<T: ParquetFixedWidthValue>(
        _ values: UnsafeBufferPointer<T>, pages: inout PageWriter, file: inout [UInt8],
        stats: (UnsafeBufferPointer<T>) -> Statistics
    ) throws -> ([Encoding], Statistics) {
        let width = MemoryLayout<T>.size
        if column.dictionary == .auto {
            var dictionary = FixedWidthDictionaryEncoder<T>(maxEntries: options.dictionaryPageSizeLimit / width)
            if let indices = dictionary.encode(values),
                pays(
                    dictionaryBytes: dictionary.values.count * width,
                    entries: dictionary.values.count, rows: values.count, plainBytes: values.count * width)
            {
                let statistics = dictionary.values.withUnsafeBufferPointer(stats)
                try dictionary.values.withUnsafeBytes {
                    try pages.writePage(.dictionary(numValues: Int32(dictionary.values.count)), body: $0, to: &file)
                }
                try writeIndexPages(indices, dictionarySize: dictionary.values.count, pages: &pages, file: &file)
                return ([.plain, .rle, .rleDictionary], statistics)
            }
        }
        try writePlainPages(
            count: values.count, valuesPerPage: options.pageSizeLimit / width, pages: &pages, file: &file
        ) {
            range, body in PlainEncoder.append(UnsafeBufferPointer(rebasing: values[range]), to: &body)
        }
        return ([.plain, .rle], stats(values))
    }

    /// A dictionary pays when its page plus worst-case bit-packed indices beat PLAIN by a margin.
    private func pays(dictionaryBytes: Int, entries: Int, rows: Int, plainBytes: Int) -> Bool {
        let indexBytes = (rows * RLEHybridEncoder.bitWidth(forValuesBelow: entries) + 7) / 8
        return dictionaryBytes + indexBytes < plainBytes * 3 / 4
    }

    // MARK: - Byte arrays

    private func writeByteArrays(
        _ values: ArraySlice<[UInt8]>, pages: inout PageWriter, file: inout [UInt8]
    ) throws -> ([Encoding], Statistics) {
        let plainBytes = values.reduce(0) { $0 + 4 + $1.count }
        if column.dictionary == .auto {
            var dictionary = ByteArrayDictionaryEncoder(maxBytes: options.dictionaryPageSizeLimit)
            if let indices = dictionary.encode(values),
                pays(
                    dictionaryBytes: dictionary.plainSize,
                    entries: dictionary.values.count, rows: values.count, plainBytes: plainBytes)
            {
                try writeDictionaryPage(dictionary.values, pages: &pages, file: &file)
                try writeIndexPages(indices, dictionarySize: dictionary.values.count, pages: &pages, file: &file)
                return ([.plain, .rle, .rleDictionary], StatisticsBuilder.of(dictionary.values))
            }
        }
        var body: [UInt8] = []
        var pageStart = values.startIndex
        var pageBytes = 0
        for i in values.indices {
            pageBytes += 4 + values[i].count
            if pageBytes >= options.pageSizeLimit || i == values.endIndex - 1 {
                body.removeAll(keepingCapacity: true)
                try PlainEncoder.append(values[pageStart...i], to: &body)
                try pages.writePage(.data(numValues: Int32(i - pageStart + 1), encoding: .plain), body: body, to: &file)
                pageStart = i + 1
                pageBytes = 0
            }
        }
        if values.isEmpty { try pages.writePage(.data(numValues: 0, encoding: .plain), body: [], to: &file) }
        return ([.plain, .rle], StatisticsBuilder.of(values))
    }

    private func writeCategorical(
        _ dictionary: [[UInt8]], _ indices: ArraySlice<UInt32>, pages: inout PageWriter, file: inout [UInt8]
    ) throws -> ([Encoding], Statistics) {
        // Keep only the entries these rows use, so the dictionary and its statistics describe this chunk.
        var remap = [UInt32](repeating: UInt32.max, count: dictionary.count)
        var used: [[UInt8]] = []
        var local: [UInt32] = []
        local.reserveCapacity(indices.count)
        for index in indices {
            guard Int(index) < dictionary.count else {
                throw ParquetError.schemaMismatch(
                    "column \(column.name): index \(index) outside a dictionary of \(dictionary.count)")
            }
            if remap[Int(index)] == UInt32.max {
                remap[Int(index)] = UInt32(used.count)
                used.append(dictionary[Int(index)])
            }
            local.append(remap[Int(index)])
        }
        try writeDictionaryPage(used, pages: &pages, file: &file)
        try writeIndexPages(local, dictionarySize: used.count, pages: &pages, file: &file)
        return ([.plain, .rle, .rleDictionary], StatisticsBuilder.of(used))
    }

    private func writeDictionaryPage(_ values: [[UInt8]], pages: inout PageWriter, file: inout [UInt8]) throws {
        var body: [UInt8] = []
        try PlainEncoder.append(values, to: &body)
        try pages.writePage(.dictionary(numValues: Int32(values.count)), body: body, to: &file)
    }

    // MARK: - Pages

    /// Data pages of dictionary indices: one byte of bit width, then the hybrid-encoded indices.
    private func writeIndexPages(_ indices: [UInt32], dictionarySize: Int, pages: inout PageWriter, file: inout [UInt8])
        throws
    {
        let bitWidth = RLEHybridEncoder.bitWidth(forValuesBelow: dictionarySize)
        try indices.withUnsafeBufferPointer { all in
            try writePages(
                count: all.count, valuesPerPage: options.pageSizeLimit * 8 / bitWidth, encoding: .rleDictionary,
                pages: &pages, file: &file
            ) { range, body in
                body.append(UInt8(bitWidth))
                RLEHybridEncoder.append(UnsafeBufferPointer(rebasing: all[range]), bitWidth: bitWidth, to: &body)
            }
        }
    }

    private func writePlainPages(
        count: Int, valuesPerPage: Int, pages: inout PageWriter, file: inout [UInt8],
        encode: (Range<Int>, inout [UInt8]) throws -> Void
    ) throws {
        try writePages(
            count: count, valuesPerPage: valuesPerPage, encoding: .plain, pages: &pages, file: &file, encode: encode)
    }

    private func writePages(
        count: Int, valuesPerPage: Int, encoding: Encoding, pages: inout PageWriter, file: inout [UInt8],
        encode: (Range<Int>, inout [UInt8]) throws -> Void
    ) throws {
        // DataPageHeader.num_values is an i32.
        let perPage = min(max(1, valuesPerPage), Int(Int32.max))
        var body: [UInt8] = []
        var start = 0
        repeat {
            let end = min(count, start + perPage)
            body.removeAll(keepingCapacity: true)
            try encode(start..<end, &body)
            try pages.writePage(.data(numValues: Int32(end - start), encoding: encoding), body: body, to: &file)
            start = end
        } while start < count
    }
}
