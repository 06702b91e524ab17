import GreenStreamCore
import Postgres

/// Binary COPY streams for the commit. Plain loops over the batch's columns.
extension HotStore {
    private static let measuredText = Array(Quality.measured.name.utf8)
    private static let interpolatedText = Array(Quality.interpolated.name.utf8)

    /// Rows `rows` of the batch for `COPY readings` (all seven columns), in the same layout
    /// ``BinaryCopyBuffer`` writes, but sized up front and stored through a raw pointer: growing
    /// an array value by value took ~20 % of the client's time in bench-hotstore.
    static func encodeReadings(_ batch: ReadingBatch, rows: [Int], jobID: Int64) -> [UInt8] {
        // Per row: field count, then (length, value) for meter, ts, kW, quality, hour, peak, job.
        let fixed = 2 + 12 + 12 + 12 + 4 + 6 + 5 + 12
        var size = 19 + 2
        for i in rows { size += fixed + (batch.quality[i] == .measured ? measuredText.count : interpolatedText.count) }
        let header = BinaryCopyBuffer().bytes  // signature, flags, extension length
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            var at = 0
            @inline(__always) func put<T: FixedWidthInteger>(_ value: T) {
                base.storeBytes(of: value.bigEndian, toByteOffset: at, as: T.self)
                at += MemoryLayout<T>.size
            }
            for b in header {
                put(b)
            }
            let epoch = BinaryCopyBuffer.postgresEpochOffsetMicros
            measuredText.withUnsafeBytes { measured in
                interpolatedText.withUnsafeBytes { interpolated in
                    for i in rows {
                        put(Int16(7))
                        put(Int32(8))
                        put(batch.meterID[i])
                        put(Int32(8))
                        put(batch.ts[i] &- epoch)
                        put(Int32(8))
                        put(batch.kw[i].bitPattern)
                        let text = batch.quality[i] == .measured ? measured : interpolated
                        put(Int32(text.count))
                        (base + at).copyMemory(from: text.baseAddress!, byteCount: text.count)
                        at += text.count
                        put(Int32(2))
                        put(Int16(batch.hourOfDay[i]))
                        put(Int32(1))
                        put(UInt8(batch.isPeakWindow[i] ? 1 : 0))
                        put(Int32(8))
                        put(jobID)
                    }
                }
            }
            put(Int16(-1))
            precondition(at == size, "readings COPY stream: wrote \(at) of \(size) bytes")
            count = size
        }
    }

    /// Rows for `COPY meter_hourly`: the groups in `groups`, which must not exist yet.
    static func encodeHourly(_ rollup: HourlyRollup, groups: [Int]) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: groups.count * 56)
        for g in groups {
            buffer.beginRow(fieldCount: 4)
            buffer.appendInt64(rollup.meterID[g])
            buffer.appendTimestamp(unixMicros: rollup.hourStart[g])
            // A binary field is a 4-byte length and the type's send format, which is what
            // appendText writes for any bytes; numeric_send's layout comes from DecimalSum.
            buffer.appendText(utf8: rollup.kwDelta[g].numericBinary)
            buffer.appendInt32(rollup.countDelta[g])
        }
        buffer.finish()
        return buffer.bytes
    }

    /// Rows for `COPY meter_hourly` of rewritten hours: entries `rewritten` of
    /// ``HourlyRollup/rewritten``, with their whole new sum and count.
    static func encodeRewrittenHourly(_ rollup: HourlyRollup, rewritten: [Int]) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: rewritten.count * 56)
        for k in rewritten {
            let g = rollup.rewritten[k]
            buffer.beginRow(fieldCount: 4)
            buffer.appendInt64(rollup.meterID[g])
            buffer.appendTimestamp(unixMicros: rollup.hourStart[g])
            buffer.appendText(utf8: rollup.total[k].numericBinary)
            buffer.appendInt32(rollup.totalCount[k])
        }
        buffer.finish()
        return buffer.bytes
    }
}
