/// Byte-level CSV record reader (R-IN-1, R-IN-5, R-IN-6).
///
/// Reads strict RFC 4180 records from a byte buffer: comma-delimited, LF or CRLF line
/// ends, blank lines (empty, or only spaces and tabs) skipped, quoted fields may hold
/// commas, doubled quotes and line breaks. Every field is trimmed of spaces and tabs.
/// A quote inside an unquoted field, or anything but a comma or line end after a
/// closing quote, is a quoting error. The error does not end the record: the rest of
/// that field, up to the next comma or line end, is skipped, and the record's remaining
/// fields are read by the same rules, so a later field that opens a quote still runs
/// across lines (R-IN-5 as clarified). An unterminated quoted field runs to the end of
/// the buffer.
///
/// The reader never copies: fields are byte ranges into the buffer.
struct CSVRecordReader {
    /// One field: trimmed content bounds; `hasEscapedQuotes` when a `""` pair must be
    /// collapsed to read the text.
    struct Field {
        var start: Int
        var end: Int
        var hasEscapedQuotes: Bool
        /// The field has a quoting error (or is unterminated): its text is what was read
        /// before the error, and in a header it names no column (R-IN-5).
        var hasQuotingError: Bool
    }

    /// Fixed storage for the fields of one record, reused for every row so the hot
    /// loop never touches an Array's copy-on-write machinery.
    final class FieldStorage {
        let base: UnsafeMutablePointer<Field>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: max(capacity, 1))
        }

        deinit { base.deallocate() }
    }

    /// One record as read.
    struct Record {
        /// Physical line (1-based) on which the record starts.
        var line = 0
        /// Byte offset of the record's first byte.
        var offset = 0
        /// Number of fields in the record (may exceed `storedCount`).
        var fieldCount = 0
        /// Fields stored: the first `min(fieldCount, capacity)`.
        var storedCount = 0
        /// A quoting error or invalid UTF-8.
        var isMalformed = false
        let storage: FieldStorage

        /// A record that stores up to `capacity` fields; later ones are only counted.
        init(capacity: Int) {
            storage = FieldStorage(capacity: capacity)
        }

        /// The stored field at `index` (< `storedCount`).
        @inline(__always)
        func field(_ index: Int) -> Field {
            precondition(index < storedCount, "field index beyond the stored fields")
            return storage.base[index]
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    private(set) var line: Int

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int = 0, line: Int = 1) {
        self.bytes = bytes
        self.position = position
        self.line = line
    }

    private static let comma: UInt8 = 0x2C
    private static let quote: UInt8 = 0x22
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    @inline(__always)
    private static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    /// Reads the next non-blank record into `record`; returns false at the end of the buffer.
    mutating func next(into record: inout Record) -> Bool {
        let b = bytes
        let n = b.count
        var p = position
        // Skip blank lines.
        while true {
            guard p < n else {
                position = p
                return false
            }
            var q = p
            while q < n && Self.isBlank(b[q]) { q += 1 }
            if q == n {
                position = n
                return false
            }
            if b[q] == Self.lf {
                p = q + 1
                line += 1
            } else if b[q] == Self.cr && q + 1 < n && b[q + 1] == Self.lf {
                p = q + 2
                line += 1
            } else if b[q] == Self.cr && q + 1 == n {
                position = n
                return false
            } else {
                break
            }
        }
        record.line = line
        record.offset = p
        record.storedCount = 0
        record.fieldCount = 0
        record.isMalformed = false
        var highBits: UInt8 = 0
        let recordStart = p
        let fields = record.storage.base
        let capacity = record.storage.capacity
        var fieldCount = 0
        @inline(__always) func appendField(_ start: Int, _ end: Int, _ escaped: Bool, _ error: Bool = false) {
            if fieldCount < capacity {
                fields[fieldCount] = Field(start: start, end: end, hasEscapedQuotes: escaped, hasQuotingError: error)
            }
            fieldCount += 1
        }

        fieldLoop: while true {
            // Leading trim.
            while p < n && Self.isBlank(b[p]) { p += 1 }
            var start = p
            var end = p
            var escaped = false
            if p < n && b[p] == Self.quote {
                p += 1
                start = p
                var closed = false
                while p < n {
                    let c = b[p]
                    highBits |= c
                    if c == Self.quote {
                        if p + 1 < n && b[p + 1] == Self.quote {
                            escaped = true
                            p += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if c == Self.lf { line += 1 }
                    p += 1
                }
                end = p
                if !closed {
                    // Unterminated: one malformed row up to the end of the buffer.
                    record.isMalformed = true
                    appendField(start, end, escaped, true)
                    break fieldLoop
                }
                p += 1  // closing quote
                // Trim inside the quotes too (R-IN-6).
                while start < end && Self.isBlank(b[start]) { start += 1 }
                while end > start && Self.isBlank(b[end - 1]) { end -= 1 }
                if p >= n {
                    appendField(start, end, escaped)
                    break fieldLoop
                }
                let c = b[p]
                if c == Self.comma {
                    appendField(start, end, escaped)
                    p += 1
                    continue fieldLoop
                }
                if c == Self.lf {
                    appendField(start, end, escaped)
                    p += 1
                    line += 1
                    break fieldLoop
                }
                if c == Self.cr && p + 1 < n && b[p + 1] == Self.lf {
                    appendField(start, end, escaped)
                    p += 2
                    line += 1
                    break fieldLoop
                }
                if c == Self.cr && p + 1 == n {
                    appendField(start, end, escaped)
                    p = n
                    break fieldLoop
                }
                // Quoting error after the closing quote: keep the quoted text, skip the rest of
                // the field and read on (the record does not end here).
                record.isMalformed = true
                appendField(start, end, escaped, true)
                p = skipToFieldEnd(p, &highBits)
            } else {
                // Unquoted field.
                while p < n {
                    let c = b[p]
                    if c == Self.comma || c == Self.lf { break }
                    if c == Self.quote {
                        // Keep the text before the stray quote, trimmed like any field (R-IN-6),
                        // skip the rest of the field and read on.
                        record.isMalformed = true
                        end = p
                        while end > start && Self.isBlank(b[end - 1]) { end -= 1 }
                        appendField(start, end, false, true)
                        p = skipToFieldEnd(p, &highBits)
                        if p >= n { break fieldLoop }
                        if b[p] == Self.comma {
                            p += 1
                            continue fieldLoop
                        }
                        p += 1  // LF
                        line += 1
                        break fieldLoop
                    }
                    highBits |= c
                    p += 1
                }
                end = p
                if (p == n || b[p] == Self.lf) && end > start && b[end - 1] == Self.cr { end -= 1 }
                while end > start && Self.isBlank(b[end - 1]) { end -= 1 }
                appendField(start, end, false)
            }
            // The field's delimiter: a comma, a line end or the end of the buffer.
            if p >= n { break fieldLoop }
            if b[p] == Self.comma {
                p += 1
                continue fieldLoop
            }
            p += 1  // LF
            line += 1
            break fieldLoop
        }
        position = p
        record.fieldCount = fieldCount
        record.storedCount = min(fieldCount, capacity)
        if highBits >= 0x80 && !UTF8Validation.isValid(UnsafeBufferPointer(rebasing: b[recordStart..<p])) {
            record.isMalformed = true
        }
        return true
    }

    /// After a quoting error: the rest of the field, up to (not past) the next comma or LF.
    /// Quotes here open nothing; they only belong to the broken field.
    private func skipToFieldEnd(_ from: Int, _ highBits: inout UInt8) -> Int {
        var p = from
        while p < bytes.count {
            let c = bytes[p]
            if c == Self.comma || c == Self.lf { break }
            highBits |= c
            p += 1
        }
        return p
    }

    /// The text of a field, with doubled quotes collapsed; invalid UTF-8 becomes U+FFFD.
    func text(of field: Field) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.hasEscapedQuotes else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        while i < slice.count {
            out.append(slice[i])
            i += (slice[i] == Self.quote && i + 1 < slice.count && slice[i + 1] == Self.quote) ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of a field cut to its first `limit` bytes in the buffer (backed up to a
    /// UTF-8 boundary), followed by `…[truncated N bytes]` naming the bytes left out.
    func text(of field: Field, limit: Int) -> String {
        guard field.end - field.start > limit else { return text(of: field) }
        var cut = field.start + max(limit, 0)
        var back = 0
        while back < 3 && cut > field.start && bytes[cut] & 0xC0 == 0x80 {
            cut -= 1
            back += 1
        }
        var head = field
        head.end = cut
        return text(of: head) + "\u{2026}[truncated \(field.end - cut) bytes]"
    }

    /// The raw bytes of a field (escaped quotes not collapsed).
    @inline(__always)
    func slice(of field: Field) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
    }
}
