import GreenStreamCore
import Postgres

extension HotStore {
    /// The per-connection staging table a commit COPYs into. `old_kw`/`old_job` are filled by
    /// the commit with the stored reading each row collides with, if any.
    static let createStagingSQL = """
        CREATE TEMP TABLE IF NOT EXISTS gs_staging_readings (
            meter_id bigint NOT NULL, ts timestamptz NOT NULL, kw double precision NOT NULL,
            quality text NOT NULL, hour_of_day smallint NOT NULL, is_peak_window boolean NOT NULL,
            old_kw double precision, old_job bigint
        ) ON COMMIT DELETE ROWS
        """

    static let copyStagingSQL = """
        COPY gs_staging_readings (meter_id, ts, kw, quality, hour_of_day, is_peak_window) FROM STDIN (FORMAT binary)
        """

    private static let measuredText = Array(Quality.measured.name.utf8)
    private static let interpolatedText = Array(Quality.interpolated.name.utf8)

    /// Encodes a batch as a binary COPY stream for the staging table, validating it on the way:
    /// bad rows become a typed error here instead of a half-loaded transaction.
    static func encodeStaging(_ batch: ReadingBatch) throws(HotStoreError) -> [UInt8] {
        var buffer = BinaryCopyBuffer(reservingCapacity: batch.count * 72)
        var previousMeter = Int64.min
        var previousTs = Int64.min
        for i in 0..<batch.count {
            let meter = batch.meterID[i]
            let ts = batch.ts[i]
            let kw = batch.kw[i]
            let hour = batch.hourOfDay[i]
            guard meter >= 1 else { throw .invalidMeterID(index: i) }
            guard meter > previousMeter || (meter == previousMeter && ts > previousTs) else {
                throw .readingsNotStrictlySorted(index: i)
            }
            guard kw.isFinite else { throw .nonFiniteValue(index: i) }
            guard hour < 24 else { throw .invalidHourOfDay(index: i) }
            previousMeter = meter
            previousTs = ts
            buffer.beginRow(fieldCount: 6)
            buffer.appendInt64(meter)
            buffer.appendTimestamp(unixMicros: ts)
            buffer.appendDouble(kw)
            buffer.appendText(utf8: batch.quality[i] == .measured ? measuredText : interpolatedText)
            buffer.appendInt16(Int16(hour))
            buffer.appendBool(batch.isPeakWindow[i])
        }
        buffer.finish()
        return buffer.bytes
    }
}
