/// The protocol version this code speaks (`greenstream.v1`, `PROTOCOL_VERSION_V1`).
public let currentProtocolVersion: UInt32 = 1

/// Carried by every request (`greenstream.v1.RequestHeader`).
public struct RequestHeader: Sendable, Equatable {
    /// Unique per logical call; repeats of the same id get the same reply.
    public var requestID: String
    /// The cluster's shared secret (R-R-3).
    public var clusterToken: String
    /// The protocol version the client speaks.
    public var protocolVersion: UInt32
    /// Who is calling, for logs.
    public var clientID: String

    public init(
        requestID: String, clusterToken: String, protocolVersion: UInt32 = currentProtocolVersion, clientID: String = ""
    ) {
        self.requestID = requestID
        self.clusterToken = clusterToken
        self.protocolVersion = protocolVersion
        self.clientID = clientID
    }
}

/// One request (`greenstream.v1.Request`): the header and the call.
public struct RPCRequest: Sendable, Equatable {
    /// The call and its arguments; one case per `Request.body` field.
    public enum Body: Sendable, Equatable {
        case registerWorker(RegisterWorkerRequest)
        case leaseJob(LeaseJobRequest)
        case heartbeat(HeartbeatRequest)
        case reportResult(ReportResultRequest)
        case listJobs(ListJobsRequest)
        case showJob(ShowJobRequest)
        case retryJobs(RetryJobsRequest)
        case listWorkers
        case ingestFile(IngestFileRequest)
        case stats
        case peakHours(PeakHoursRequest)

        /// The proto field name of the call, for logs and errors.
        public var name: String {
            switch self {
            case .registerWorker: "register_worker"
            case .leaseJob: "lease_job"
            case .heartbeat: "heartbeat"
            case .reportResult: "report_result"
            case .listJobs: "list_jobs"
            case .showJob: "show_job"
            case .retryJobs: "retry_jobs"
            case .listWorkers: "list_workers"
            case .ingestFile: "ingest_file"
            case .stats: "stats"
            case .peakHours: "peak_hours"
            }
        }

        /// The call named by `Request.body` field number `field`; `nil` for a number
        /// this version does not know.
        public static func name(ofField field: Int) -> String? {
            switch field {
            case 10: "register_worker"
            case 11: "lease_job"
            case 12: "heartbeat"
            case 13: "report_result"
            case 30: "list_jobs"
            case 31: "show_job"
            case 32: "retry_jobs"
            case 33: "list_workers"
            case 34: "ingest_file"
            case 35: "stats"
            case 36: "peak_hours"
            default: nil
            }
        }
    }

    public var header: RequestHeader
    public var body: Body

    public init(header: RequestHeader, body: Body) {
        self.header = header
        self.body = body
    }
}

/// One reply (`greenstream.v1.Reply`): the request id it answers and a result or an error.
public struct RPCReply: Sendable, Equatable {
    /// The result, one case per `Reply.body` field, or the typed error.
    public enum Body: Sendable, Equatable {
        case error(RPCError)
        case registerWorker(RegisterWorkerReply)
        case leaseJob(LeaseJobReply)
        case heartbeat(HeartbeatReply)
        case reportResult(ReportResultReply)
        case listJobs(ListJobsReply)
        case showJob(ShowJobReply)
        case retryJobs(RetryJobsReply)
        case listWorkers(ListWorkersReply)
        case ingestFile(IngestFileReply)
        case stats(StatsReply)
        case peakHours(PeakHoursReply)
    }

    /// The request's id; empty when the request could not be decoded.
    public var requestID: String
    /// The protocol version of the server.
    public var protocolVersion: UInt32
    public var body: Body

    public init(requestID: String, protocolVersion: UInt32 = currentProtocolVersion, body: Body) {
        self.requestID = requestID
        self.protocolVersion = protocolVersion
        self.body = body
    }
}
