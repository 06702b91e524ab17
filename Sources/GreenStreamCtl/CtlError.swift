import GreenStreamRPC
import NNG

/// The one line gsctl prints for a failed call (R-O-3): what went wrong, in an operator's words.
public enum CtlError {
    /// The message for `error` from a call to `settings.coordinator` that had `timeout`.
    /// - Parameter jobID: the job a `jobs show` asked for, so NOT_FOUND reads "no job 42".
    public static func message(for error: any Error, settings: CtlSettings, timeout: Duration, jobID: Int64? = nil)
        -> String
    {
        switch error {
        case let nng as NngError where nng.isTimeout:
            return "no answer from \(settings.coordinator) within \(TimeText.seconds(timeout))"
        case let nng as NngError:
            return "cannot talk to \(settings.coordinator): \(nng.reason)"
        case let rpc as RPCError:
            switch rpc.code {
            case .unauthenticated:
                return "the coordinator refused the token (UNAUTHENTICATED)"
            case .notFound:
                if let jobID { return "no job \(jobID)" }
                return rpc.message
            default:
                return "\(rpc.message) (\(rpc.code.name.uppercased()))"
            }
        case let transport as TransportError:
            return "\(transport)"
        default:
            return "\(error)"
        }
    }
}
