/// What one meter's rows in one file become: readings in slot order and rejects per reason.
struct SeriesOutcome {
    var slots: [Int32] = []
    var kw: [Double] = []
    var interpolated: [Bool] = []
    var rejects = [Int](repeating: 0, count: Reason.allCases.count)
    /// Interpolated readings that came from a row (R-IN-7).
    var interpolatedRows = 0

    mutating func reset() {
        slots.removeAll(keepingCapacity: true)
        kw.removeAll(keepingCapacity: true)
        interpolated.removeAll(keepingCapacity: true)
        for i in rejects.indices { rejects[i] = 0 }
        interpolatedRows = 0
    }
}
