import GreenStreamCore
import GreenStreamRPC
import Testing

/// The codec maps the Core job types to the proto's numbers (common.proto `JobState`,
/// worker.proto `FailureKind`) and the uint32 attempt; these bytes are written by hand.
@Suite("WireCodec maps Core job types to proto numbers")
struct JobWireMappingTests {
    let codec = WireCodec()

    private func failureRequest(kind: UInt64, attempt: UInt64 = 1) -> [UInt8] {
        ProtoWriter.request { w in
            w.message(13) { r in
                r.string(1, "w")
                r.message(2) { j in
                    j.uint(1, 7)
                    j.uint(2, attempt)
                }
                r.message(4) { f in
                    f.uint(1, kind)
                    f.string(2, "no_header")
                }
            }
        }
    }

    private func decodedFailure(_ bytes: [UInt8]) throws -> ReportResultRequest? {
        guard case .reportResult(let r) = try codec.decodeRequest(bytes).body else { return nil }
        return r
    }

    @Test("JobState numbers 1…6 are pending…duplicate; 0 is no filter; 7 is unknown")
    func jobStateNumbers() throws {
        let expected: [(UInt64, JobState)] = [
            (1, .pending), (2, .running), (3, .retrying), (4, .succeeded), (5, .quarantined), (6, .duplicate),
        ]
        #expect(expected.map(\.1) == JobState.allCases)
        for (number, state) in expected {
            let bytes = ProtoWriter.request { w in w.message(30) { $0.uint(1, number) } }
            #expect(try codec.decodeRequest(bytes).body == .listJobs(ListJobsRequest(state: state, limit: 0)))
        }
        let unspecified = ProtoWriter.request { w in w.message(30) { $0.uint(1, 0) } }
        #expect(try codec.decodeRequest(unspecified).body == .listJobs(ListJobsRequest(state: nil, limit: 0)))
        let unknown = ProtoWriter.request { w in w.message(30) { $0.uint(1, 7) } }
        #expect(throws: WireError.unknownEnumValue(field: "list_jobs.state", value: 7)) {
            try codec.decodeRequest(unknown)
        }
    }

    @Test("FailureKind 1 is permanent, 2 retryable; 0 and 3 are unknown")
    func failureKindNumbers() throws {
        let permanent = try decodedFailure(failureRequest(kind: 1))
        #expect(permanent?.outcome == .failure(JobFailure(kind: .permanent, reason: "no_header")))
        #expect(permanent?.job == JobLease(jobID: 7, attempt: 1))
        let retryable = try decodedFailure(failureRequest(kind: 2))
        #expect(retryable?.outcome == .failure(JobFailure(kind: .retryable, reason: "no_header")))
        for number in [0, 3] as [UInt64] {
            #expect(throws: WireError.unknownEnumValue(field: "report_result.failure.kind", value: Int64(number))) {
                try codec.decodeRequest(failureRequest(kind: number))
            }
        }
    }

    @Test("An attempt beyond Int32 is refused when decoding; a negative one when encoding")
    func attemptRange() throws {
        let top = try decodedFailure(failureRequest(kind: 1, attempt: UInt64(Int32.max)))
        #expect(top?.job == JobLease(jobID: 7, attempt: .max))
        #expect(throws: WireError.valueOutOfRange(field: "report_result.job.attempt", value: "2147483648")) {
            try codec.decodeRequest(failureRequest(kind: 1, attempt: UInt64(Int32.max) + 1))
        }
        var cancel = ProtoWriter()
        cancel.string(1, "r")
        cancel.message(12) { h in h.message(1) { $0.uint(1, 5); $0.uint(2, UInt64(UInt32.max)) } }
        #expect(throws: WireError.valueOutOfRange(field: "heartbeat.cancel.attempt", value: "4294967295")) {
            try codec.decodeReply(cancel.bytes)
        }
        let negative = RPCRequest(
            header: RequestHeader(requestID: "r", clusterToken: "t"),
            body: .reportResult(
                ReportResultRequest(
                    workerID: "w", job: JobLease(jobID: 7, attempt: -1), outcome: .failure(JobFailure(.noHeader)))))
        #expect(throws: WireError.valueOutOfRange(field: "report_result.job.attempt", value: "-1")) {
            try codec.encode(negative)
        }
    }
}
