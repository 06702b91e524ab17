import Dispatch
import Testing

@testable import LoadTestFleet

struct FleetDeterminismTests {
    @Test("the same spec gives the same names and bytes; a different seed different bytes")
    func sameSeedSameBytes() {
        let spec = FleetSpec(meters: 50, hours: 6, intervalMinutes: 15, seed: 7, files: 4)
        let a = Fleet(spec: spec)
        let b = Fleet(spec: spec)
        #expect(a.fileCount == b.fileCount)
        for i in 0..<a.fileCount {
            #expect(a.fileName(i) == b.fileName(i))
            #expect(a.fileBytes(i) == b.fileBytes(i))
        }
        var other = spec
        other.seed = 8
        #expect(Fleet(spec: other).fileBytes(0) != a.fileBytes(0))
    }

    @Test("fileBytes from many threads at once equals fileBytes one by one")
    func parallelGeneration() {
        let fleet = Fleet(spec: FleetSpec(meters: 80, hours: 12, intervalMinutes: 5, seed: 3, files: 6))
        let serial = (0..<fleet.fileCount).map { fleet.fileBytes($0) }
        nonisolated(unsafe) var parallel = [[UInt8]](repeating: [], count: fleet.fileCount)
        parallel.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: fleet.fileCount) { out[$0] = fleet.fileBytes($0) }
        }
        #expect(parallel == serial)
    }

    @Test("expectation() is the same however often it runs (threads do not change the sums)")
    func expectationDeterministic() throws {
        let fleet = Fleet(spec: FleetSpec(meters: 120, hours: 8, intervalMinutes: 15, seed: 5, files: 4))
        let a = fleet.expectation()
        let b = fleet.expectation()
        #expect(a.meters == b.meters)
        #expect(a.gridHourly == b.gridHourly)
        #expect(a.archiveDays == b.archiveDays)
        #expect(a.rejects == b.rejects)
        #expect(a.sampleRows == b.sampleRows)
    }

    @Test("landing layout: names unique and landable, corrections after their data file, duplicate last")
    func layout() {
        let fleet = Fleet(spec: FleetSpec(meters: 200, hours: 24, intervalMinutes: 15, seed: 1, files: 8))
        let names = (0..<fleet.fileCount).map(fleet.fileName)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".tmp") && !$0.contains("/") })
        #expect(fleet.dataFileCount == 8)
        for (i, kind) in fleet.kinds.enumerated() {
            if case .correction(let c) = kind { #expect(fleet.dataLanding[fleet.corrections[c].dataFile] < i) }
            if case .duplicate(let of) = kind {
                #expect(i == fleet.fileCount - 1)
                #expect(fleet.landsAfterAllOthersEnd(i))
                #expect(fleet.fileBytes(i) == fleet.fileBytes(of))
            }
        }
        #expect(!fleet.corrections.isEmpty)
        let e = fleet.expectation()
        #expect(e.jobs.files == fleet.fileCount)
        #expect(e.jobs.succeeded + e.jobs.duplicate + e.jobs.quarantined == e.jobs.files)
        #expect(e.jobs.duplicate == 1 && e.jobs.quarantined == 1)
        // Data files, corrections and the header-only file succeed (R-IN-4).
        #expect(e.jobs.succeeded == fleet.dataFileCount + fleet.corrections.count + 1)
        #expect(fleet.kinds.filter { $0 == .empty }.count == 1)
    }
}
