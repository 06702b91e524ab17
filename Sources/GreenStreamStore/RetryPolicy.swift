/// The job retry policy (R-J-3): how long a job waits in `retrying` after attempt n failed.
///
/// Exponential with full jitter and a cap: the wait is `unit · min(cap, base · 2^(n-1))` seconds
/// with `unit` uniformly random in `0..<1`. Full jitter spreads the retries of many jobs that
/// failed together (a database restart) instead of sending them back in step.
///
/// A store rule, not a connection detail: the libpq wrapper paces its own reconnects privately.
public struct RetryPolicy: Sendable, Equatable {
    /// The ceiling of the wait after the first attempt, in seconds.
    public var baseSeconds: Double
    /// The largest ceiling any attempt gets, in seconds.
    public var capSeconds: Double

    public init(baseSeconds: Double, capSeconds: Double) {
        precondition(baseSeconds > 0 && capSeconds >= baseSeconds, "RetryPolicy needs 0 < base <= cap")
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// The spec's default: 2 s doubling to at most 5 minutes.
    public static let standard = RetryPolicy(baseSeconds: 2, capSeconds: 300)

    /// The upper bound of the wait after attempt `attempt` (1-based) failed.
    public func ceiling(afterAttempt attempt: Int) -> Double {
        var ceiling = baseSeconds
        var doublings = max(0, attempt - 1)
        // Stop doubling at the cap: no overflow to infinity for large attempt numbers.
        while doublings > 0 && ceiling < capSeconds {
            ceiling *= 2
            doublings -= 1
        }
        return min(capSeconds, ceiling)
    }

    /// The wait after attempt `attempt` failed, for a jitter draw `unit` in `0..<1` (clamped).
    public func delay(afterAttempt attempt: Int, unit: Double) -> Double {
        ceiling(afterAttempt: attempt) * min(max(unit, 0), 1)
    }
}

/// Where the job store draws its jitter: the system generator in production, a fixed value in
/// tests that need a known wait.
public struct JitterSource: Sendable {
    let draw: @Sendable () -> Double

    /// `draw` returns values in `0..<1`.
    public init(_ draw: @escaping @Sendable () -> Double) { self.draw = draw }

    /// Uniform in `0..<1` from the system random generator.
    public static let system = JitterSource { Double.random(in: 0..<1) }

    /// Always `unit`: the wait is exactly `unit ×` the policy's ceiling.
    public static func fixed(_ unit: Double) -> JitterSource { JitterSource { unit } }
}
