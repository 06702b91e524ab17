import Dispatch

extension Fleet {
    /// Series (source, landing index) carrying meter `m`, in landing order.
    func series(ofMeter m: Int) -> [(SeriesSource, Int)] {
        let g = m % groups
        var list: [(SeriesSource, Int)] = []
        for w in 0..<windows {
            let d = w * groups + g
            list.append((.data(d), dataLanding[d]))
        }
        for (c, corr) in corrections.enumerated() where corr.dataFile % groups == g && correction(c, includes: m) {
            list.append((.correction(c), correctionLanding[c]))
        }
        list.sort { $0.1 < $1.1 }
        return list
    }

    /// What file `index`'s job must produce, computed from the generator's decisions.
    public func expectedOutcome(ofFile index: Int) -> FileExpectation {
        var result = FileExpectation()
        let source: SeriesSource
        let meters: [Int]
        switch kinds[index] {
        case .bad(let reason):
            result.failure = reason
            return result
        case .duplicate(let of):
            result.duplicateOf = of
            return result
        case .empty:
            return result
        case .data(let d):
            source = .data(d)
            meters = Array(self.meters(ofGroup: d % groups))
        case .correction(let c):
            source = .correction(c)
            meters = self.meters(ofGroup: corrections[c].dataFile % groups).filter { correction(c, includes: $0) }
        }
        let model = SeriesModel(spec: spec)
        let (lo, hi) = slotRange(source)
        var rows: [PlannedRow] = []
        var out = SeriesOutcome()
        var rejects = [Int](repeating: 0, count: Reason.allCases.count)
        for m in meters.sorted(by: { meterID($0) < meterID($1) }) {
            plan(source, meter: m, into: &rows)
            model.run(rows, lo: lo, hi: hi, into: &out)
            result.dataRows += rows.count
            result.interpolatedRows += out.interpolatedRows
            for r in rejects.indices { rejects[r] += out.rejects[r] }
            for i in out.slots.indices {
                result.meterIDs.append(meterID(m))
                result.tsMicros.append(model.micros(Int(out.slots[i])))
                result.kw.append(out.kw[i])
                result.quality.append(out.interpolated[i] ? "interpolated" : "measured")
                if out.interpolated[i] { result.interpolated += 1 } else { result.measured += 1 }
            }
        }
        for r in Reason.allCases where rejects[r.rawValue] > 0 { result.rejects[r.name] = rejects[r.rawValue] }
        return result
    }

    /// Meters whose exact final rows the expectation lists: the largest id, a corrected one, a few more.
    func sampleMeters() -> [Int] {
        var picks: Set<Int> = [0, spec.meters / 2, spec.meters - 1]
        if let c = corrections.first { picks.insert(c.dataFile % groups) }
        var r = SplitMix(spec.seed, 0x5A)
        for _ in 0..<2 { picks.insert(r.below(spec.meters)) }
        return picks.sorted()
    }

    /// What the cluster must hold once every file has landed and every job ended: computed meter by
    /// meter from the generator's own decisions (in parallel; the result does not depend on threads).
    public func expectation() -> FleetExpectation {
        let model = SeriesModel(spec: spec)
        let slots = spec.slotsPerMeter
        let stepSeconds = Int64(spec.intervalMinutes * 60)
        let firstHour = CivilTime.floorDiv(spec.startUnixSeconds, 3600)
        let lastHour = CivilTime.floorDiv(slotSeconds(slots - 1), 3600)
        let hourCount = Int(lastHour - firstHour + 1)
        let firstDay = CivilTime.floorDiv(spec.startUnixSeconds, 86_400)
        let dayCount = Int(CivilTime.floorDiv(slotSeconds(slots - 1), 86_400) - firstDay + 1)
        let samples = Set(sampleMeters())

        struct Partial {
            var meters: [(Int64, MeterTotals)] = []
            var hourMeters: [Int]
            var hourLoad: [Double]
            var dayRows: [Int]
            var dayKW: [Double]
            var rejects = [Int](repeating: 0, count: Reason.allCases.count)
            var samples: [(Int64, [ExpectedReading])] = []
        }
        let chunkCount = min(spec.meters, 64)
        // Each chunk writes only its own slot; merged in chunk order below, so sums do not depend on threads.
        nonisolated(unsafe) let partials = UnsafeMutableBufferPointer<Partial>.allocate(capacity: chunkCount)
        defer { partials.deallocate() }
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            var p = Partial(
                hourMeters: .init(repeating: 0, count: hourCount), hourLoad: .init(repeating: 0, count: hourCount),
                dayRows: .init(repeating: 0, count: dayCount), dayKW: .init(repeating: 0, count: dayCount))
            var rows: [PlannedRow] = []
            var out = SeriesOutcome()
            var finalKW = [Double](repeating: 0, count: slots)
            var finalOrdinal = [Int32](repeating: -1, count: slots)
            var finalInterpolated = [Bool](repeating: false, count: slots)
            let from = chunk * spec.meters / chunkCount
            let to = (chunk + 1) * spec.meters / chunkCount
            for m in from..<to {
                for k in 0..<slots { finalOrdinal[k] = -1 }
                for (source, landing) in series(ofMeter: m) {
                    let (lo, hi) = slotRange(source)
                    plan(source, meter: m, into: &rows)
                    model.run(rows, lo: lo, hi: hi, into: &out)
                    for r in p.rejects.indices { p.rejects[r] += out.rejects[r] }
                    for i in out.slots.indices {
                        let k = Int(out.slots[i])
                        let day = Int(CivilTime.floorDiv(slotSeconds(k), 86_400) - firstDay)
                        p.dayRows[day] += 1
                        p.dayKW[day] += out.kw[i]
                        // Landing order: a later job replaces the reading (R-H-1).
                        finalKW[k] = out.kw[i]
                        finalOrdinal[k] = Int32(landing)
                        finalInterpolated[k] = out.interpolated[i]
                    }
                }
                var totals = MeterTotals()
                var hour = Int64.min
                var hourSum = 0.0
                var hourN = 0
                func flushHour() {
                    guard hourN > 0 else { return }
                    let h = Int(hour - firstHour)
                    p.hourMeters[h] += 1
                    p.hourLoad[h] += hourSum / Double(hourN)
                }
                var sample: [ExpectedReading] = []
                let isSample = samples.contains(m)
                for k in 0..<slots where finalOrdinal[k] >= 0 {
                    totals.readings += 1
                    if finalInterpolated[k] { totals.interpolated += 1 } else { totals.measured += 1 }
                    totals.kwSum += finalKW[k]
                    let t = spec.startUnixSeconds + Int64(k) * stepSeconds
                    let h = CivilTime.floorDiv(t, 3600)
                    if h != hour {
                        flushHour()
                        hour = h
                        hourSum = 0
                        hourN = 0
                    }
                    hourSum += finalKW[k]
                    hourN += 1
                    if isSample {
                        sample.append(
                            ExpectedReading(
                                tsMicros: t * 1_000_000, kw: finalKW[k],
                                quality: finalInterpolated[k] ? "interpolated" : "measured",
                                jobOrdinal: Int(finalOrdinal[k])))
                    }
                }
                flushHour()
                if totals.readings > 0 { p.meters.append((meterID(m), totals)) }
                if isSample { p.samples.append((meterID(m), sample)) }
            }
            (partials.baseAddress! + chunk).initialize(to: p)
        }

        var e = FleetExpectation()
        var hourMeters = [Int](repeating: 0, count: hourCount)
        var hourLoad = [Double](repeating: 0, count: hourCount)
        var dayRows = [Int](repeating: 0, count: dayCount)
        var dayKW = [Double](repeating: 0, count: dayCount)
        var rejects = [Int](repeating: 0, count: Reason.allCases.count)
        for c in 0..<chunkCount {
            let p = (partials.baseAddress! + c).move()
            for (id, t) in p.meters {
                e.meters[id] = t
                e.hotReadings += t.readings
            }
            for h in 0..<hourCount {
                hourMeters[h] += p.hourMeters[h]
                hourLoad[h] += p.hourLoad[h]
            }
            for d in 0..<dayCount {
                dayRows[d] += p.dayRows[d]
                dayKW[d] += p.dayKW[d]
            }
            for r in rejects.indices { rejects[r] += p.rejects[r] }
            for (id, rows) in p.samples { e.sampleRows[id] = rows }
        }
        for h in 0..<hourCount where hourMeters[h] > 0 {
            e.gridHourly[(firstHour + Int64(h)) * 3600] = GridHour(meters: hourMeters[h], loadKw: hourLoad[h])
        }
        for d in 0..<dayCount where dayRows[d] > 0 {
            e.archiveDays[CivilTime.dateString(days: firstDay + Int64(d))] = ArchiveDay(
                rows: dayRows[d], kwSum: dayKW[d])
        }
        for r in Reason.allCases where rejects[r.rawValue] > 0 { e.rejects[r.name] = rejects[r.rawValue] }
        for (i, kind) in kinds.enumerated() {
            switch kind {
            case .data, .correction, .empty: e.jobs.succeeded += 1
            case .bad(let reason):
                e.jobs.quarantined += 1
                e.quarantineReasons[i] = reason
            case .duplicate(let of):
                e.jobs.duplicate += 1
                e.duplicateOf[i] = of
            }
        }
        e.jobs.files = kinds.count
        return e
    }
}
