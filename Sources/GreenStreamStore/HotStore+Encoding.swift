import GreenStreamCore
import Postgres

/// Binary COPY streams for the commit's two paths. Plain loops over the batch's columns.
extension HotStore {
    private static let measuredText = Array(Quality.measured.name.utf8)
    private static let interpolatedText = Array(Quality.interpolated.name.utf8)

    /// Rows for `COPY readings` (all seven columns), used when nothing in the batch collides.
    static func encodeReadings(_ batch: ReadingBatch, jobID: Int64) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: batch.count * 80)
        for i in 0..<batch.count {
            buffer.beginRow(fieldCount: 7)
            appendReading(&buffer, batch, i)
            buffer.appendInt64(jobID)
        }
        buffer.finish()
        return buffer.bytes
    }

    /// Rows for the staging table of the collision path: the six reading columns and the grid hour.
    static func encodeStaging(_ batch: ReadingBatch, rowHourStart: [Int64]) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: batch.count * 84)
        for i in 0..<batch.count {
            buffer.beginRow(fieldCount: 7)
            appendReading(&buffer, batch, i)
            buffer.appendTimestamp(unixMicros: rowHourStart[i])
        }
        buffer.finish()
        return buffer.bytes
    }

    /// Rows for `COPY meter_hourly`, the groups in `indices`.
    static func encodeHourly(_ rollup: HourlyRollup, indices: [Int]) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: indices.count * 46)
        for g in indices {
            buffer.beginRow(fieldCount: 4)
            buffer.appendInt64(rollup.meterID[g])
            buffer.appendTimestamp(unixMicros: rollup.hourStart[g])
            buffer.appendDouble(rollup.kwSum[g])
            buffer.appendInt32(rollup.readings[g])
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
