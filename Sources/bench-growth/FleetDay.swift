import GreenStreamCore

/// One file of the benchmark fleet: meters `firstMeter..<firstMeter + meterCount`, every slot of
/// one UTC day, sorted by (meter, ts) as a head-end export per meter group would be.
struct FleetFile {
    let day: Int64  // unix seconds, UTC midnight
    let firstMeter: Int64
    let meterCount: Int
    let intervalMinutes: Int

    var name: String { "fleet-\(UTCDay.format(day))-m\(firstMeter).csv" }

    /// The clean readings a worker would hand to the commit. kW follows a daily shape per meter
    /// with a little per-slot noise (deterministic), so the day has a real peak.
    func batch() -> ReadingBatch {
        let slots = 1440 / intervalMinutes
        let step = Int64(intervalMinutes) * 60_000_000
        let dayMicros = day * 1_000_000
        var batch = ReadingBatch()
        batch.reserveCapacity(meterCount * slots)
        for meter in firstMeter..<firstMeter + Int64(meterCount) {
            let base = 0.2 + Double(meter % 23) * 0.05
            for slot in 0..<slots {
                let ts = dayMicros + Int64(slot) * step
                let hour = UInt8(slot * intervalMinutes / 60)
                var h = UInt64(bitPattern: meter) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(slot) &* 0x1000_0001
                h ^= h >> 29
                h = h &* 0xBF58_476D_1CE4_E5B9
                let noise = Double(h >> 52) / 4096.0  // 0 ..< 1
                let evening = (17..<21).contains(hour) ? 1.5 : (7..<9).contains(hour) ? 0.8 : 0.0
                let kw = ((base + evening + noise * 0.3) * 1000).rounded() / 1000
                batch.append(
                    meterID: meter,
                    ts: ts,
                    kw: kw,
                    quality: .measured,
                    hourOfDay: hour,
                    isPeakWindow: (17..<21).contains(hour)
                )
            }
        }
        return batch
    }

    /// The day's files: `files` consecutive meter groups covering meters 1…`meters`.
    static func day(_ day: Int64, meters: Int, files: Int, intervalMinutes: Int) -> [FleetFile] {
        (0..<files).map { f in
            let first = meters * f / files
            let next = meters * (f + 1) / files
            return FleetFile(
                day: day,
                firstMeter: Int64(first + 1),
                meterCount: next - first,
                intervalMinutes: intervalMinutes
            )
        }
    }
}
