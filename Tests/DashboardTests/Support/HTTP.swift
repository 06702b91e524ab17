import Foundation
import GreenStreamTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A blocking HTTP request for the API tests (URLSession; the dashboard is plain HTTP on loopback).
enum HTTP {
    struct Reply: Sendable {
        var status: Int
        var contentType: String
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func request(_ url: String, method: String = "GET") throws -> Reply {
        guard let target = URL(string: url) else { throw ChildProcessError("bad URL \(url)") }
        var request = URLRequest(url: target, timeoutInterval: 30)
        request.httpMethod = method
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            let http = response as? HTTPURLResponse
            box.set(
                error.map { .failure($0) }
                    ?? .success(
                        Reply(
                            status: http?.statusCode ?? 0,
                            contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "", body: data ?? Data())))
            done.signal()
        }.resume()
        done.wait()
        return try box.get()
    }

    /// GET `url`, which must answer 200 with JSON; the parsed value (objects as [String: Any]).
    static func json(_ url: String) throws -> Any {
        let reply = try request(url)
        guard reply.status == 200 else { throw ChildProcessError("GET \(url): \(reply.status) \(reply.text)") }
        return try JSONSerialization.jsonObject(with: reply.body)
    }

    private final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<Reply, any Error>?
        func set(_ r: Result<Reply, any Error>) { lock.withLock { result = r } }
        func get() throws -> Reply { try lock.withLock { result! }.get() }
    }
}
