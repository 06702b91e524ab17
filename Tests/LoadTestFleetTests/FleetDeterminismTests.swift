import Testing
@testable import LoadTestFleet

struct FleetDeterminismTests {
    @Test("the same spec gives the same bytes, from any thread")
    func sameSeedSameBytes() {
        let spec = FleetSpec(meters: 50, hours: 6, intervalMinutes: 15, seed: 7, files: 4)
        let a = Fleet(spec: spec), b = Fleet(spec: spec)
        #expect(a.fileCount == b.fileCount)
        for i in 0..<a.fileCount {
            #expect(a.fileName(i) == b.fileName(i))
            #expect(a.fileBytes(i) == b.fileBytes(i))
        }
    }
}
