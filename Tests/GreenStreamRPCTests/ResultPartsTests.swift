import GreenStreamCore
import GreenStreamRPC
import GreenStreamTesting
import NNG
import Testing

@Suite("Results larger than one message travel in parts")
struct ResultPartsTests {
    static let limit = 64 << 10

    /// 20 000 readings, 3 000 rejects and two Parquet files, one larger than a part.
    static func bigResult() -> ReportResultRequest {
        var batch = ReadingBatch()
        for i in 0..<20_000 {
            batch.append(
                meterID: Int64(i / 96 + 1), ts: Int64(i % 96) * 900_000_000 - 1, kw: Double(i) / 3,
                quality: i % 5 == 0 ? .interpolated : .measured, hourOfDay: UInt8(i % 24), isPeakWindow: i % 3 == 0)
        }
        let rejects = (0..<3000).map { i in
            Reject(
                line: i + 2, reason: RejectReason.allCases[i % RejectReason.allCases.count], meterID: "m\(i)",
                timestamp: "2024-01-01T00:00", readingValue: "x\(i)", unit: "kW")
        }
        let files = [
            ArchiveFilePart(
                utcDate: "2024-01-01", parquet: (0..<150_000).map { UInt8(truncatingIfNeeded: $0 * 7) }),
            ArchiveFilePart(utcDate: "2024-01-02", parquet: []),
            ArchiveFilePart(utcDate: "2024-01-03", parquet: Array("PAR1 small PAR1".utf8)),
        ]
        let success = JobSuccess(
            counts: RowCounts(
                rowsRead: 23_000, measuredRows: 16_000, interpolatedRows: 4000, rejectedRows: 3000, synthesisedSlots: 0),
            rejectCounts: [.aboveMax: 300, .malformedRow: 2700], rejects: rejects, readings: batch, archiveFiles: files)
        return ReportResultRequest(workerID: "host-a/1", job: JobLease(jobID: 12, attempt: 2), outcome: .success(success))
    }

    @Test("Every part packs under the limit, and the parts reassemble in any order to the original")
    func splitAndReassemble() throws {
        let whole = Self.bigResult()
        let parts = ResultParts.split(whole, maxPartBytes: Self.limit)
        #expect(parts.count > 10)
        let codec = WireCodec()
        for part in parts {
            let header = RequestHeader(
                requestID: RPCClient.newRequestID(), clusterToken: String(repeating: "k", count: 64),
                clientID: "host-a/1")
            let bytes = try codec.encode(RPCRequest(header: header, body: .reportResult(part)))
            #expect(bytes.count <= Self.limit, "part \(part.part) packs to \(bytes.count) bytes")
            #expect(try codec.decodeRequest(bytes).body == .reportResult(part))
        }
        var assembler = ResultAssembler(first: parts[parts.count / 2])
        var result: JobSuccess?
        for part in parts.shuffled() {
            #expect(result == nil, "complete only after the last part")
            result = try assembler.add(part)
        }
        guard case .success(let original) = whole.outcome else { return }
        #expect(result == original)
    }

    @Test("R-IN-5 R-J-5 a 200 MiB file with one unterminated quote: its result splits into parts under 64 MiB")
    func hugeRejectFitsTheMessageLimit() throws {
        let output = try Transformer().transform(HugeCSV.unterminatedQuoteNearTop(totalBytes: 200 << 20))
        #expect(output.rejects.map(\.reason) == [.malformedRow])
        let success = JobSuccess(
            counts: RowCounts(
                rowsRead: output.dataRowCount, measuredRows: output.measuredCount,
                interpolatedRows: output.interpolatedRowCount, rejectedRows: output.rejects.count,
                synthesisedSlots: output.interpolatedCount - output.interpolatedRowCount),
            rejectCounts: output.rejectCounts, rejects: output.rejects,
            readings: output.readings, archiveFiles: [])
        let whole = ReportResultRequest(workerID: "w", job: JobLease(jobID: 3, attempt: 1), outcome: .success(success))
        let limit = ReplyServerOptions.defaultMaxMessageBytes
        let parts = ResultParts.split(whole, maxPartBytes: limit)
        let codec = WireCodec()
        for part in parts {
            let header = RequestHeader(
                requestID: RPCClient.newRequestID(), clusterToken: String(repeating: "k", count: 64), clientID: "w")
            let bytes = try codec.encode(RPCRequest(header: header, body: .reportResult(part)))
            #expect(bytes.count <= limit, "part \(part.part) packs to \(bytes.count) bytes")
        }
        var assembler = ResultAssembler(first: parts[0])
        var result: JobSuccess?
        for part in parts { result = try assembler.add(part) }
        #expect(result == success)
    }

    @Test("A result that fits, and a failure, stay one request")
    func smallResultsStayWhole() throws {
        let failure = ReportResultRequest(
            workerID: "w", job: JobLease(jobID: 1, attempt: 1), outcome: .failure(JobFailure(.noHeader)))
        #expect(ResultParts.split(failure, maxPartBytes: Self.limit) == [failure])
        let small = ReportResultRequest(
            workerID: "w", job: JobLease(jobID: 1, attempt: 1), outcome: Fixtures.requests[3].reportResultOutcome!)
        let parts = ResultParts.split(small, maxPartBytes: Self.limit)
        #expect(parts == [small])
        var assembler = ResultAssembler(first: parts[0])
        #expect(try assembler.add(parts[0]) == Fixtures.success)
    }

    @Test("Parts that do not belong together are refused with typed errors")
    func assemblerRefusesForeignParts() throws {
        let parts = ResultParts.split(Self.bigResult(), maxPartBytes: Self.limit)
        var assembler = ResultAssembler(first: parts[0])
        var foreign = parts[1]
        foreign.job = JobLease(jobID: 12, attempt: 3)
        #expect(throws: ResultAssemblyError.wrongJob(expected: JobLease(jobID: 12, attempt: 2), got: foreign.job)) {
            try assembler.add(foreign)
        }
        var miscounted = parts[1]
        miscounted.partCount += 1
        #expect(throws: ResultAssemblyError.self) { try assembler.add(miscounted) }

        // Shift one piece of the large file: the file no longer adds up.
        var broken = parts
        let index = try #require(
            broken.lastIndex { part in
                guard case .success(let s) = part.outcome else { return false }
                return s.archiveFiles.contains { $0.offset > 0 }
            })
        guard case .success(var s) = broken[index].outcome else { return }
        let file = try #require(s.archiveFiles.firstIndex { $0.offset > 0 })
        s.archiveFiles[file].offset += 1
        broken[index].outcome = .success(s)
        var second = ResultAssembler(first: broken[0])
        #expect(throws: ResultAssemblyError.brokenArchiveFile(utcDate: "2024-01-01")) {
            for part in broken { _ = try second.add(part) }
        }
    }

    @Test("A worker reports a result above the server's receive limit in parts over a real socket")
    func reportInPartsOverIPC() async throws {
        let harness = try Harness(
            .ipc,
            options: RPCServerOptions(
                clusterToken: testToken, transport: ReplyServerOptions(maxMessageBytes: Self.limit)))
        defer { harness.server.close() }
        let client = try harness.client(maxRequestBytes: Self.limit)
        defer { client.close() }
        let whole = Self.bigResult()
        await #expect(throws: TransportError.self) { try await client.reportResult(whole) }
        let reply = try await client.reportResultInParts(whole)
        #expect(reply.jobState == .succeeded)
        #expect(harness.service.count("report_result") == ResultParts.split(whole, maxPartBytes: Self.limit).count)
    }
}

extension RPCRequest.Body {
    var reportResultOutcome: ReportResultRequest.Outcome? {
        if case .reportResult(let r) = self { r.outcome } else { nil }
    }
}
