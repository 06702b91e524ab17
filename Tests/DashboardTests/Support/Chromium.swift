import Foundation
import GreenStreamTesting

/// Debian's `chromium`, headless (../shared/notes/cluster.md): `--dump-dom` prints the DOM after the
/// page's scripts ran; `--virtual-time-budget` lets their timers (the page's poll) fire that many
/// virtual milliseconds. Each call gets a fresh profile directory, removed afterwards.
enum Chromium {
    static var executable: String { ProcessInfo.processInfo.environment["GS_CHROMIUM"] ?? "chromium" }

    static func run(_ extra: [String], url: String, windowSize: String = "1280,900") throws -> ChildProcessResult {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("gs-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=\(profile.path)", "--window-size=\(windowSize)",
            ] + extra + [url]
        let result = try ChildProcess.run(executable, arguments)
        guard result.status == 0 else {
            throw ChildProcessError("chromium exited \(result.status): \(result.stderrText.suffix(2000))")
        }
        return result
    }

    /// The page's DOM once `budgetMS` virtual milliseconds of its timers have run.
    static func dumpDOM(_ url: String, budgetMS: Int = 5000) throws -> PageDOM {
        PageDOM(html: try run(["--dump-dom", "--virtual-time-budget=\(budgetMS)"], url: url).stdoutText)
    }

    /// A PNG of the page after `budgetMS` virtual milliseconds.
    static func screenshot(_ url: String, to path: String, windowSize: String, budgetMS: Int = 5000) throws {
        _ = try run(
            ["--screenshot=\(path)", "--hide-scrollbars", "--virtual-time-budget=\(budgetMS)"], url: url,
            windowSize: windowSize)
    }
}

/// The dumped DOM, read the way the page writes it: numbers in `data-value` of elements with ids.
struct PageDOM: CustomStringConvertible {
    let html: String

    var description: String { html.count > 4000 ? String(html.prefix(4000)) + "…" : html }

    /// The opening tag of the element with `id`.
    func tag(id: String) -> Substring? {
        guard let at = html.range(of: "id=\"\(id)\"") else { return nil }
        guard let open = html[..<at.lowerBound].lastIndex(of: "<"),
            let close = html[at.upperBound...].firstIndex(of: ">")
        else { return nil }
        return html[open...close]
    }

    /// `data-value` of the element with `id` (nil when absent; "" before the script set it).
    func value(_ id: String) -> String? { tag(id: id).flatMap { Self.attribute("data-value", in: $0) } }

    func number(_ id: String) -> Double? { value(id).flatMap(Double.init) }

    /// Snapshots the script drew in this page load (`body[data-updates]`).
    var updates: Int { tag(name: "body").flatMap { Self.attribute("data-updates", in: $0) }.flatMap(Int.init) ?? 0 }

    /// Database time the drawn snapshot was started (`body[data-generated-at]`), unix microseconds.
    var generatedAtMicros: Int64 {
        tag(name: "body").flatMap { Self.attribute("data-generated-at", in: $0) }.flatMap(Int64.init) ?? 0
    }

    func tag(name: String) -> Substring? {
        guard let open = html.range(of: "<\(name) ") ?? html.range(of: "<\(name)>"),
            let close = html[open.lowerBound...].firstIndex(of: ">")
        else { return nil }
        return html[open.lowerBound...close]
    }

    /// The reason shown in the quarantine row of job `id`.
    func quarantineReason(job id: Int64) -> String? {
        guard let row = html.range(of: "data-job=\"\(id)\""),
            let rowEnd = html[row.upperBound...].range(of: "</tr>"),
            let code = html[row.upperBound..<rowEnd.lowerBound].range(of: "class=\"reason\">"),
            let end = html[code.upperBound...].firstIndex(of: "<")
        else { return nil }
        return Self.unescape(String(html[code.upperBound..<end]))
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\""), let end = tag[start.upperBound...].firstIndex(of: "\"") else {
            return nil
        }
        return unescape(String(tag[start.upperBound..<end]))
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
}
