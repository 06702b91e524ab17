/// Transforms one CSV file: R-IN-1…R-IN-7, T1 (§2), T2 (§3) and features (R-F-1, R-F-2).
///
/// Pure and single-threaded: bytes in, columnar readings and rejects out. Run one
/// `Transformer` per thread; it holds only the configuration.
public struct Transformer: Sendable {
    public let config: TransformConfig

    public init(config: TransformConfig = TransformConfig()) {
        self.config = config
    }

    /// Transforms a whole file held in memory.
    /// - Throws: `FileFailure` for a permanent whole-file failure (R-IN-3).
    public func transform(_ bytes: [UInt8]) throws(FileFailure) -> TransformOutput {
        let result: Result<TransformOutput, FileFailure> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(FileFailure) in try transform(buffer) }
        }
        return try result.get()
    }

    /// Transforms a whole file held in memory.
    /// - Throws: `FileFailure` for a permanent whole-file failure (R-IN-3).
    public func transform(_ bytes: UnsafeBufferPointer<UInt8>) throws(FileFailure) -> TransformOutput {
        // Offsets and lines are kept as Int32 per row; larger files are refused outright.
        guard bytes.count <= config.maxFileBytes, bytes.count <= Int(Int32.max) else { throw .tooLarge }
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let start = hasBOM ? 3 : 0
        // Read the header twice: once to count its fields, once to store them all.
        var counter = CSVRecordReader(bytes: bytes, position: start)
        var counted = CSVRecordReader.Record(capacity: 0)
        guard counter.next(into: &counted) else { throw .noHeader }
        let headerBytes = UnsafeBufferPointer(rebasing: bytes[counted.offset..<counter.position])
        guard UTF8Validation.isValid(headerBytes) else { throw .notText }
        var reader = CSVRecordReader(bytes: bytes, position: start)
        var record = CSVRecordReader.Record(capacity: counted.fieldCount)
        _ = reader.next(into: &record)
        // A header field with a quoting error names no column (R-IN-5); the others match as usual.
        let header = try CSVHeader(
            names: (0..<record.storedCount).map { index -> String? in
                let field = record.field(index)
                return field.hasQuotingError ? nil : reader.text(of: field)
            })

        var state = FileState(estimatedRows: bytes.count / 40)
        readRows(&reader, header: header, state: &state)
        state.resolveAmbiguousTimes()
        state.separateInvalidRows()
        state.sortByMeterAndTime()

        var cleaner = MeterCleaner(config: config)
        cleaner.output.readings.reserveCapacity(state.rows.count + state.rows.count / 16)
        state.rows.withUnsafeBufferPointer { rows in
            var start = 0
            while start < rows.count {
                var end = start + 1
                let meter = rows[start].meter
                while end < rows.count && rows[end].meter == meter { end += 1 }
                cleaner.clean(meter: meter, rows: UnsafeBufferPointer(rebasing: rows[start..<end]), rejects: &state.rejects)
                start = end
            }
        }

        var output = cleaner.output
        output.dataRowCount = state.dataRowCount
        output.rejects = materialize(state.rejects, reader: reader, header: header)
        for r in state.rejects { output.rejectCounts[r.reason, default: 0] += 1 }
        return output
    }

    /// T1 over every data row: malformed rows, meter ids, timestamps, values, units.
    private func readRows(_ reader: inout CSVRecordReader, header: CSVHeader, state: inout FileState) {
        var record = CSVRecordReader.Record(capacity: header.storeLimit)
        let source = config.sourceTimeZone
        let fixedSourceMicros: Int64? = source.isFixed ? source.offset(atUTCSeconds: 0) * CivilTime.microsPerSecond : nil
        while reader.next(into: &record) {
            state.dataRowCount += 1
            let line = Int32(truncatingIfNeeded: record.line)
            let offset = Int32(truncatingIfNeeded: record.offset)
            func reject(_ reason: RejectReason) {
                state.rejects.append(PendingReject(line: line, offset: offset, reason: reason))
            }
            if record.isMalformed || record.fieldCount < header.fieldCount {
                reject(.malformedRow)
                continue
            }
            guard let meter = FieldParsers.meterID(reader.slice(of: record.field(header.meterID))) else {
                reject(.invalidMeterID)
                continue
            }
            guard let parsed = ISO8601Timestamp.parse(reader.slice(of: record.field(header.timestamp))) else {
                reject(.invalidTimestamp)
                continue
            }
            var ts: Int64
            var later: Int64? = nil
            switch parsed {
            case .instant(let utc):
                ts = utc
            case .local(let wall):
                if let fixed = fixedSourceMicros {
                    ts = wall - fixed
                } else {
                    let seconds = CivilTime.floorDiv(wall, CivilTime.microsPerSecond)
                    let fraction = wall - seconds * CivilTime.microsPerSecond
                    switch source.resolve(localSeconds: seconds) {
                    case .unique(let s):
                        ts = s * CivilTime.microsPerSecond + fraction
                    case .ambiguous(let earlier, let laterSeconds):
                        ts = earlier * CivilTime.microsPerSecond + fraction
                        later = laterSeconds * CivilTime.microsPerSecond + fraction
                    case .gap:
                        reject(.invalidTimestamp)
                        continue
                    }
                }
                guard ts >= CivilTime.minMicros, ts <= CivilTime.maxMicros else {
                    reject(.invalidTimestamp)
                    continue
                }
                if let l = later, l > CivilTime.maxMicros { later = nil }
            }
            var kind = RowRecord.Kind.missing
            var value = 0.0
            switch FieldParsers.value(reader.slice(of: record.field(header.readingValue))) {
            case .missing:
                break
            case .invalid:
                kind = .invalidValue
            case .number(let v):
                switch FieldParsers.unit(reader.slice(of: record.field(header.unit))) {
                case .power(let prefix)?:
                    kind = .power
                    value = prefix.toKilo(v)
                case .energy(let prefix)?:
                    kind = .energy
                    value = prefix.toKilo(v)
                case nil:
                    kind = .invalidUnit
                }
            }
            if let later { state.ambiguous[state.rows.count] = later }
            state.rows.append(RowRecord(meter: meter, ts: ts, value: value, offset: offset, line: line, kind: kind))
        }
    }
}

/// Transforms one file's bytes: the single entry point for workers and tools.
/// - Returns: the output, or the permanent failure (R-IN-3) that quarantines the file.
public func transformFile(_ bytes: [UInt8], config: TransformConfig = TransformConfig()) -> Result<TransformOutput, FileFailure> {
    Result { () throws(FileFailure) in try Transformer(config: config).transform(bytes) }
}
