/// The libpq wrapper's own waits between reconnects and transaction re-runs: exponential with
/// full jitter and a cap, attempt n waits a uniformly random time in `0 ..< min(cap, base · 2^(n-1))`
/// seconds. Full jitter spreads retries of many clients that failed together (a server restart,
/// a burst of deadlocks) instead of synchronising them.
///
/// Internal on purpose: the job retry policy (R-J-3) is a store rule and lives in
/// GreenStreamStore as `RetryPolicy`; this type only paces the connection layer.
struct Backoff: Sendable, Equatable {
    /// The ceiling of the first attempt's wait, in seconds.
    var baseSeconds: Double
    /// The largest ceiling any attempt gets, in seconds.
    var capSeconds: Double

    init(baseSeconds: Double, capSeconds: Double) {
        precondition(baseSeconds > 0 && capSeconds >= baseSeconds, "Backoff needs 0 < base <= cap")
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// Reconnecting to a restarting server: 50 ms doubling to 2 s.
    static let reconnect = Backoff(baseSeconds: 0.05, capSeconds: 2)
    /// Re-running a transaction after a deadlock or serialisation failure: 5 ms doubling to 250 ms.
    static let transactionRetry = Backoff(baseSeconds: 0.005, capSeconds: 0.25)

    /// The upper bound of the wait before attempt `attempt` (1-based).
    func ceiling(attempt: Int) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        return min(capSeconds, baseSeconds * pow2(exponent))
    }

    /// The wait before attempt `attempt`: `unit` (in `0..<1`) scales the ceiling.
    func delay(attempt: Int, unit: Double) -> Double { ceiling(attempt: attempt) * min(max(unit, 0), 1) }

    /// The wait before attempt `attempt`, drawn from the system random generator.
    func randomDelay(attempt: Int) -> Double { delay(attempt: attempt, unit: Double.random(in: 0..<1)) }

    private func pow2(_ e: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(e) {
            result *= 2
            if result > 1e18 { break }
        }
        return result
    }
}
