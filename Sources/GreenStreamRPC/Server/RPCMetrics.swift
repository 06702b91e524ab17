import CoreMetrics
import GreenStreamMetricNames

/// The RPC server's metrics (through swift-metrics; no-ops until an executable bootstraps a
/// backend): requests by call, and typed errors by call and code. Counted once per request, not
/// per byte; a resent request answered from the reply cache counts as a request again, but its
/// error (if any) only when it was produced.
enum RPCMetrics {
    /// Every call the contract knows; anything else (a peer's made-up field number) is `unknown`,
    /// so a hostile client cannot grow the label set.
    static let knownCalls: Set<String> = [
        "register_worker", "lease_job", "heartbeat", "report_result", "list_jobs", "show_job", "retry_jobs",
        "list_workers", "ingest_file", "stats", "peak_hours",
    ]

    /// The `call` label for a call name.
    static func callLabel(_ name: String) -> String { knownCalls.contains(name) ? name : "unknown" }

    static func request(_ call: String) {
        Counter(label: MetricNames.rpcRequests, dimensions: [("call", callLabel(call))]).increment()
    }

    static func error(_ call: String, _ code: RPCError.Code) {
        Counter(label: MetricNames.rpcErrors, dimensions: [("call", callLabel(call)), ("code", code.name)]).increment()
    }

    /// A request refused before the service saw it: one request and one error.
    static func refused(_ call: String, _ code: RPCError.Code) {
        request(call)
        error(call, code)
    }
}
