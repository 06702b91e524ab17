import GreenStreamCore
import GreenStreamRPC
import Testing

@Suite("WireCodec refuses bad bytes with typed errors (R-R-4)")
struct WireCodecMalformedTests {
    let codec = WireCodec()

    @Test("R-R-4 garbage and truncated bytes are malformed, not a crash")
    func garbageAndTruncatedBytes() throws {
        var rng = SystemRandomNumberGenerator()
        let garbage: [UInt8] =
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] + (0..<64).map { _ in rng.next() }
        #expect(throws: WireError.self) { try codec.decodeRequest(garbage) }
        let valid = try codec.encode(
            RPCRequest(header: RequestHeader(requestID: "r", clusterToken: "t"), body: Fixtures.requests[3]))
        for cut in [1, 7, valid.count / 2, valid.count - 1] {
            #expect(throws: WireError.self) { try codec.decodeRequest(Array(valid.prefix(cut))) }
        }
        #expect(throws: WireError.self) { try codec.decodeReply([0x0a, 0x05, 0x41]) }
    }

    @Test("R-R-4 an empty message has no header")
    func emptyMessage() {
        #expect(throws: WireError.missingField("header")) { try codec.decodeRequest([]) }
    }

    @Test("R-R-4 a request naming an unknown call is refused as a missing body")
    func unknownCall() {
        let bytes = ProtoWriter.request { w in w.message(99) { $0.uint(1, 5) } }
        #expect(
            throws: WireError.missingBody(message: "request names no call this server knows (Request.body field 0)")
        ) {
            try codec.decodeRequest(bytes)
        }
        #expect(codec.peekRequestID(bytes) == "req-1")
    }

    @Test("R-R-4 an unknown enum number is a typed error")
    func unknownEnumValue() {
        let bytes = ProtoWriter.request { w in w.message(30) { $0.uint(1, 99) } }
        #expect(throws: WireError.unknownEnumValue(field: "list_jobs.state", value: 99)) {
            try codec.decodeRequest(bytes)
        }
        var reply = ProtoWriter()
        reply.string(1, "r")
        reply.message(3) { $0.uint(1, 77) }
        #expect(throws: WireError.unknownEnumValue(field: "error.code", value: 77)) {
            try codec.decodeReply(reply.bytes)
        }
    }

    @Test("R-R-4 invalid UTF-8 in a string field is a typed error")
    func invalidUTF8() {
        let bytes = ProtoWriter.request(clientID: [0x61, 0xff, 0xfe]) { w in w.message(35) { _ in } }
        #expect(throws: WireError.invalidUTF8(field: "header.client_id")) { try codec.decodeRequest(bytes) }
    }

    @Test("R-R-4 a repeated field beyond the limit is a typed error")
    func oversizedRepeatedField() throws {
        let small = WireCodec(limits: WireLimits(maxReadings: 2, maxRejects: 1, maxArchiveFiles: 1, maxListItems: 10))
        let retry = RPCRequest(
            header: RequestHeader(requestID: "r", clusterToken: "t"),
            body: .retryJobs(RetryJobsRequest(jobIDs: Array(1...11))))
        #expect(throws: WireError.tooManyElements(field: "retry_jobs.job_ids", count: 11, limit: 10)) {
            try small.decodeRequest(try codec.encode(retry))
        }
        let result = RPCRequest(header: RequestHeader(requestID: "r", clusterToken: "t"), body: Fixtures.requests[3])
        #expect(throws: WireError.tooManyElements(field: "readings", count: 3, limit: 2)) {
            try WireCodec(limits: WireLimits(maxReadings: 2)).decodeRequest(try codec.encode(result))
        }
        #expect(throws: WireError.tooManyElements(field: "success.rejects", count: 3, limit: 1)) {
            try small.decodeRequest(try codec.encode(result))
        }
    }

    /// report_result with a success whose readings are built by `columns`.
    private func result(columns: @escaping (inout ProtoWriter) -> Void) -> [UInt8] {
        ProtoWriter.request { w in
            w.message(13) { r in
                r.string(1, "w")
                r.message(2) { j in
                    j.uint(1, 1)
                    j.uint(2, 1)
                }
                r.message(3) { s in
                    s.message(1) { $0.uint(1, 2) }
                    s.message(4, columns)
                }
            }
        }
    }

    @Test("R-R-4 reading columns of different lengths are refused (no ReadingBatch precondition trap)")
    func columnLengthMismatch() {
        let bytes = result { c in
            c.packedVarints(1, [1, 2])
            c.packedVarints(2, [5])
        }
        #expect(throws: WireError.columnLengthMismatch(counts: [2, 1, 0, 0, 0, 0])) { try codec.decodeRequest(bytes) }
    }

    @Test("R-R-4 an hour above 23 and an unknown quality are refused")
    func outOfRangeColumnValues() {
        func columns(quality: UInt64, hour: UInt64) -> (inout ProtoWriter) -> Void {
            { c in
                c.packedVarints(1, [1])
                c.packedVarints(2, [0])
                c.raw(3, [0, 0, 0, 0, 0, 0, 0, 0])
                c.packedVarints(4, [quality])
                c.packedVarints(5, [hour])
                c.packedVarints(6, [1])
            }
        }
        #expect(throws: WireError.valueOutOfRange(field: "readings.hour_of_day", value: "24")) {
            try codec.decodeRequest(result(columns: columns(quality: 1, hour: 24)))
        }
        #expect(throws: WireError.unknownEnumValue(field: "readings.quality", value: 0)) {
            try codec.decodeRequest(result(columns: columns(quality: 0, hour: 3)))
        }
        let ok = try? codec.decodeRequest(result(columns: columns(quality: 2, hour: 23)))
        guard case .reportResult(let r)? = ok?.body, case .success(let s) = r.outcome else {
            Issue.record("a valid one-reading result did not decode")
            return
        }
        #expect(
            s.readings
                == ReadingBatch(
                    meterID: [1], ts: [0], kw: [0], quality: [.interpolated], hourOfDay: [23], isPeakWindow: [true]))
    }

    @Test("Counts above Int.max are refused with the field named; negative counts cannot be encoded")
    func countsOutsideInt() throws {
        let tooBig = UInt64(Int.max) + 1
        let bytes = ProtoWriter.request { w in
            w.message(13) { r in
                r.string(1, "w")
                r.message(2) { j in
                    j.uint(1, 1)
                    j.uint(2, 1)
                }
                r.message(3) { s in s.message(1) { $0.uint(1, tooBig) } }
            }
        }
        #expect(throws: WireError.valueOutOfRange(field: "success.counts.rows_read", value: "\(tooBig)")) {
            try codec.decodeRequest(bytes)
        }
        // Two entries for one reason add up; their sum must fit an Int as well.
        var reply = ProtoWriter()
        reply.string(1, "r")
        reply.message(31) { show in
            show.message(1) { j in
                j.uint(1, 1)
                j.uint(2, 1)
            }
            show.message(4) { c in
                c.uint(1, 1)
                c.uint(2, UInt64(Int.max))
            }
            show.message(4) { c in
                c.uint(1, 1)
                c.uint(2, 1)
            }
        }
        #expect(throws: WireError.valueOutOfRange(field: "show_job.reject_counts.count", value: "\(tooBig)")) {
            try codec.decodeReply(reply.bytes)
        }
        var negative = Fixtures.success
        negative.counts.rowsRead = -1
        let request = RPCRequest(
            header: RequestHeader(requestID: "r", clusterToken: "t"),
            body: .reportResult(ReportResultRequest(workerID: "w", job: Fixtures.job, outcome: .success(negative))))
        #expect(throws: WireError.valueOutOfRange(field: "success.counts.rows_read", value: "-1")) {
            try codec.encode(request)
        }
        #expect(throws: WireError.valueOutOfRange(field: "stats.readings_stored", value: "-5")) {
            try codec.encode(
                RPCReply(
                    requestID: "r",
                    body: .stats(StatsReply(jobsByState: [:], readingsStored: -5, workersAlive: 0, parkedPolls: 0))))
        }
    }

    @Test("A report_result with neither success nor failure is refused")
    func resultWithoutOutcome() {
        let bytes = ProtoWriter.request { w in w.message(13) { $0.string(1, "w") } }
        #expect(throws: WireError.missingBody(message: "report_result carries neither success nor failure")) {
            try codec.decodeRequest(bytes)
        }
    }
}
