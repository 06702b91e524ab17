import GreenStreamCore
import Postgres

/// Binary COPY streams for the commit. Plain loops over the batch's columns.
extension HotStore {
    private static let measuredText = Array(Quality.measured.name.utf8)
    private static let interpolatedText = Array(Quality.interpolated.name.utf8)

    /// Rows `rows` of the batch for `COPY readings` (all seven columns).
    static func encodeReadings(_ batch: ReadingBatch, rows: [Int], jobID: Int64) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: rows.count * 80)
        for i in rows {
            buffer.beginRow(fieldCount: 7)
            appendReading(&buffer, batch, i)
            buffer.appendInt64(jobID)
        }
        buffer.finish()
        return buffer.bytes
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

    @inline(__always)
    private static func appendReading(_ buffer: inout BinaryCopyBuffer, _ batch: ReadingBatch, _ i: Int) {
        buffer.appendInt64(batch.meterID[i])
        buffer.appendTimestamp(unixMicros: batch.ts[i])
        buffer.appendDouble(batch.kw[i])
        buffer.appendText(utf8: batch.quality[i] == .measured ? measuredText : interpolatedText)
        buffer.appendInt16(Int16(batch.hourOfDay[i]))
        buffer.appendBool(batch.isPeakWindow[i])
    }
}
