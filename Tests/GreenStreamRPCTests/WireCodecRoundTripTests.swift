import GreenStreamCore
import GreenStreamRPC
import Testing

@Suite("WireCodec round trips (R-R-1)")
struct WireCodecRoundTripTests {
    let codec = WireCodec()

    @Test("R-R-1 every request kind survives encode → decode", arguments: Fixtures.requests)
    func requestRoundTrips(body: RPCRequest.Body) throws {
        let request = RPCRequest(
            header: RequestHeader(requestID: "id-\(body.name)", clusterToken: "s3cret", clientID: "host-a/1"),
            body: body)
        let bytes = try codec.encode(request)
        #expect(try codec.decodeRequest(bytes) == request)
    }

    @Test("R-R-1 every reply kind survives encode → decode", arguments: Fixtures.replies)
    func replyRoundTrips(body: RPCReply.Body) throws {
        let reply = RPCReply(requestID: "abc", body: body)
        #expect(try codec.decodeReply(try codec.encode(reply)) == reply)
    }

    @Test("Every reject reason and quality keeps its identity on the wire")
    func everyEnumCaseRoundTrips() throws {
        let rejects = RejectReason.allCases.enumerated().map { i, reason in
            Reject(line: i + 1, reason: reason, meterID: "\(i)", timestamp: "", readingValue: "", unit: "")
        }
        var success = Fixtures.success
        success.rejects = rejects
        success.rejectCounts = Dictionary(
            uniqueKeysWithValues: RejectReason.allCases.map { ($0, $0.rawValue.count) })
        let body = RPCRequest.Body.reportResult(
            ReportResultRequest(workerID: "w", job: Fixtures.job, outcome: .success(success)))
        let request = RPCRequest(header: RequestHeader(requestID: "r", clusterToken: "t"), body: body)
        #expect(try codec.decodeRequest(try codec.encode(request)) == request)
        for code in RPCError.Code.allCases {
            let reply = RPCReply(requestID: "r", body: .error(RPCError(code, code.name)))
            #expect(try codec.decodeReply(try codec.encode(reply)) == reply)
        }
        for state in JobState.allCases {
            let reply = RPCReply(requestID: "r", body: .ingestFile(IngestFileReply(jobID: 1, state: state)))
            #expect(try codec.decodeReply(try codec.encode(reply)) == reply)
        }
    }

    @Test("A large result (200 000 readings, 4 MiB of Parquet) round-trips with packed columns")
    func largeResultRoundTrips() throws {
        var batch = ReadingBatch()
        for i in 0..<200_000 {
            batch.append(
                meterID: Int64(i / 96 + 1), ts: Int64(i % 96) * 900_000_000, kw: Double(i % 1000) / 8,
                quality: i % 7 == 0 ? .interpolated : .measured,
                hourOfDay: UInt8(i % 24), isPeakWindow: i % 24 >= 17)
        }
        var success = Fixtures.success
        success.readings = batch
        success.archiveFiles = [
            ArchiveFilePart(utcDate: "2024-01-01", parquet: (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        ]
        let request = RPCRequest(
            header: RequestHeader(requestID: "r", clusterToken: "t"),
            body: .reportResult(ReportResultRequest(workerID: "w", job: Fixtures.job, outcome: .success(success))))
        let bytes = try codec.encode(request)
        // Packed: meter id and ts ≤ 10 bytes, kw 8, quality/hour/bool 1 each, per reading.
        #expect(bytes.count < (4 << 20) + 200_000 * 30)
        #expect(try codec.decodeRequest(bytes) == request)
    }

    @Test("A string with a NUL byte is refused when encoding, not truncated")
    func embeddedNULIsRefused() {
        let request = RPCRequest(header: RequestHeader(requestID: "a\u{0}b", clusterToken: "t"), body: .stats)
        #expect(throws: WireError.embeddedNUL(field: "header.request_id")) { try codec.encode(request) }
    }
}
