import Logging
import NNG

/// The per-request steps of ``RPCServer``, in order: decode, authenticate, check
/// the version, deduplicate, bound long polls, call the service, encode, size-check.
struct RequestPipeline: Sendable {
    let options: RPCServerOptions
    let service: any RPCService
    let logger: Logger
    let codec: WireCodec
    let cache: ReplyCache
    let parked: Locked<Int>

    func reply(to request: ServerRequest) async -> [UInt8] {
        let decoded: RPCRequest
        do {
            decoded = try codec.decodeRequest(request.bytes)
        } catch let error as WireError {
            let id = codec.peekRequestID(request.bytes) ?? ""
            logger.warning(
                "refused undecodable request",
                metadata: ["pipe": "\(request.pipeID)", "request_id": "\(id)", "error": "\(error)"])
            let code: RPCError.Code = if case .missingBody = error { .unknownRequest } else { .invalidRequest }
            return encodeError(RPCError(code, error.description), requestID: id)
        } catch {
            return encodeError(RPCError(.invalidRequest, "\(error)"), requestID: "")
        }
        let header = decoded.header
        if let refusal = admissionError(header, pipeID: request.pipeID, call: decoded.body.name) {
            return encodeError(refusal, requestID: header.requestID)
        }
        let context = RequestContext(header: header, pipeID: request.pipeID)
        // Keyed by call and id, so a reused id on a different call never gets a foreign reply.
        let result = await cache.reply(for: "\(decoded.body.name)/\(header.requestID)") { [self] in
            let body = await handle(decoded.body, context: context)
            return (encodeReply(body, requestID: header.requestID), remember: !Self.isTransient(body))
        }
        if result.repeated {
            logger.debug(
                "answered a resent request from its remembered reply", metadata: ["request_id": "\(header.requestID)"])
        }
        return result.bytes
    }

    /// Errors the proto tells clients to retry with the same request id must not be remembered.
    private static func isTransient(_ body: RPCReply.Body) -> Bool {
        guard case .error(let error) = body else { return false }
        return error.code == .unavailable || error.code == .internalError
    }

    /// Token, version and request-id checks; a refusal changes nothing and is logged.
    private func admissionError(_ header: RequestHeader, pipeID: UInt32, call: String) -> RPCError? {
        guard constantTimeEquals(header.clusterToken, options.clusterToken) else {
            let why = header.clusterToken.isEmpty ? "missing" : "wrong"
            logger.warning(
                "refused request with \(why) cluster token",
                metadata: [
                    "pipe": "\(pipeID)", "client_id": "\(header.clientID)", "call": "\(call)",
                    "request_id": "\(header.requestID)",
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
            let admitted = parked.withLock { n -> Bool in
                guard n < options.maxParkedPolls else { return false }
                n += 1
                return true
            }
            guard admitted else { return .leaseJob(LeaseJobReply(assignment: nil, retryAfterMs: options.retryAfterMs)) }
        }
        defer { if isPoll { parked.withLock { $0 -= 1 } } }
        do {
            return try await service.handle(body, context: context)
        } catch let error as RPCError {
            return .error(error)
        } catch {
            logger.error("service failed", metadata: ["call": "\(body.name)", "error": "\(error)"])
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
