import Logging
import NNG
import Synchronization

/// The per-request steps of ``RPCServer``, in order: read the header alone,
/// authenticate, check the version and request id, decode the body, deduplicate,
/// bound long polls, call the service, encode, size-check.
///
/// Nothing past the header is read before the token is checked (R-R-3): a request
/// from a peer without the token costs a scan of its first bytes and a header of at
/// most ``WireLimits/maxHeaderBytes``, whatever its size (R-R-4).
struct RequestPipeline: Sendable {
    let options: RPCServerOptions
    let service: any RPCService
    let logger: Logger
    let codec: WireCodec
    let cache: ReplyCache<ReplyCacheKey>
    let parked: ParkedPolls
    let counters: PipelineCounters

    func reply(to request: ServerRequest) async -> [UInt8] {
        let header: RequestHeader
        do {
            header = try request.message.withUnsafeBytes { try codec.decodeHeader($0) }
        } catch {
            logger.warning(
                "refused request without a readable header",
                metadata: ["pipe": "\(request.pipeID)", "bytes": "\(request.message.count)", "error": "\(error)"])
            RPCMetrics.refused("unknown", .invalidRequest)
            return encodeError(RPCError(.invalidRequest, "\(error)"), requestID: "")
        }
        if let refusal = admissionError(header, request: request) {
            RPCMetrics.refused(request.message.withUnsafeBytes { codec.callName($0) }, refusal.code)
            return encodeError(refusal, requestID: header.requestID)
        }
        let decoded: RPCRequest
        do {
            counters.bodiesDecoded.add(1, ordering: .relaxed)
            decoded = try request.message.withUnsafeBytes { try codec.decodeRequest($0) }
        } catch let error as WireError {
            logger.warning(
                "refused undecodable request",
                metadata: ["pipe": "\(request.pipeID)", "request_id": "\(header.requestID)", "error": "\(error)"])
            let code: RPCError.Code = if case .missingBody = error { .unknownRequest } else { .invalidRequest }
            RPCMetrics.refused(request.message.withUnsafeBytes { codec.callName($0) }, code)
            return encodeError(RPCError(code, error.description), requestID: header.requestID)
        } catch {
            RPCMetrics.refused(request.message.withUnsafeBytes { codec.callName($0) }, .invalidRequest)
            return encodeError(RPCError(.invalidRequest, "\(error)"), requestID: header.requestID)
        }
        // protobuf merges a repeated header field into the first; what was authenticated must be what runs.
        guard decoded.header == header else {
            RPCMetrics.refused(decoded.body.name, .invalidRequest)
            return encodeError(
                RPCError(.invalidRequest, "Request.header must appear once, as the first field"),
                requestID: header.requestID)
        }
        RPCMetrics.request(decoded.body.name)
        let context = RequestContext(header: header, pipeID: request.pipeID)
        let key = ReplyCacheKey(header: header, pipeID: request.pipeID, call: decoded.body.name)
        let result = await cache.reply(for: key) { [self] in
            let body = await handle(decoded.body, context: context)
            return (encodeReply(body, requestID: header.requestID), remember: !Self.isTransient(body))
        }
        if result.repeated {
            logger.debug(
                "answered a resent request from its remembered reply",
                metadata: ["request_id": "\(header.requestID)", "client_id": "\(header.clientID)"])
        }
        return result.bytes
    }

    /// Errors the proto tells clients to retry with the same request id must not be remembered.
    private static func isTransient(_ body: RPCReply.Body) -> Bool {
        guard case .error(let error) = body else { return false }
        return error.code == .unavailable || error.code == .internalError
    }

    /// Token, version and request-id checks on the header alone; a refusal changes
    /// nothing and is logged.
    private func admissionError(_ header: RequestHeader, request: ServerRequest) -> RPCError? {
        guard constantTimeEquals(header.clusterToken, options.clusterToken) else {
            let why = header.clusterToken.isEmpty ? "missing" : "wrong"
            // The call is named from the tag after the header; the body itself is not read.
            let call = request.message.withUnsafeBytes { codec.callName($0) }
            logger.warning(
                "refused request with \(why) cluster token",
                metadata: [
                    "pipe": "\(request.pipeID)", "client_id": "\(header.clientID)", "call": "\(call)",
                    "request_id": "\(header.requestID)", "bytes": "\(request.message.count)",
                ])
            return RPCError(.unauthenticated, "\(why) cluster token")
        }
        guard options.supportedVersions.contains(header.protocolVersion) else {
            let range = options.supportedVersions
            return RPCError(
                .unsupportedVersion,
                "client speaks protocol version \(header.protocolVersion); this server supports \(range.lowerBound)…\(range.upperBound)"
            )
        }
        guard (1...128).contains(header.requestID.utf8.count) else {
            return RPCError(.invalidRequest, "request_id must be 1–128 bytes, got \(header.requestID.utf8.count)")
        }
        return nil
    }

    private func handle(_ body: RPCRequest.Body, context: RequestContext) async -> RPCReply.Body {
        let isPoll = if case .leaseJob = body { true } else { false }
        if isPoll {
            guard parked.park() else {
                return .leaseJob(LeaseJobReply(assignment: nil, retryAfterMs: options.retryAfterMs))
            }
        }
        defer { if isPoll { parked.release() } }
        do {
            return try await service.handle(body, context: context)
        } catch let error as RPCError {
            RPCMetrics.error(body.name, error.code)
            return .error(error)
        } catch {
            logger.error("service failed", metadata: ["call": "\(body.name)", "error": "\(error)"])
            RPCMetrics.error(body.name, .internalError)
            return .error(RPCError(.internalError, "\(error)"))
        }
    }

    private func encodeReply(_ body: RPCReply.Body, requestID: String) -> [UInt8] {
        do {
            let bytes = try codec.encode(RPCReply(requestID: requestID, body: body))
            guard bytes.count <= options.maxReplyBytes else {
                logger.error("reply too large", metadata: ["request_id": "\(requestID)", "bytes": "\(bytes.count)"])
                return encodeError(
                    RPCError(
                        .messageTooLarge,
                        "reply of \(bytes.count) bytes exceeds the limit of \(options.maxReplyBytes) bytes"),
                    requestID: requestID)
            }
            return bytes
        } catch {
            return encodeError(RPCError(.internalError, "cannot encode reply: \(error)"), requestID: requestID)
        }
    }

    private func encodeError(_ error: RPCError, requestID: String) -> [UInt8] {
        if let bytes = try? codec.encode(RPCReply(requestID: requestID, body: .error(error))) { return bytes }
        // Only a NUL inside the id or message can fail; answer without them.
        return (try? codec.encode(RPCReply(requestID: "", body: .error(RPCError(error.code, error.code.name))))) ?? []
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var diff = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0 && x.count == y.count
    }
}

/// What the pipeline did, for tests and operators.
final class PipelineCounters: Sendable {
    /// Requests whose body was decoded: only those that passed the header checks.
    let bodiesDecoded = Atomic(0)
}
