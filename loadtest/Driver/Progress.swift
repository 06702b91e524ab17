// Progress on stderr while files land and jobs run: files landed and finished, readings stored,
// rate and ETA. On a terminal one line rewritten with a carriage return; otherwise (a log, CI) a
// line every few seconds.
import Foundation

final class Progress {
    let totalFiles: Int
    let started = Date()
    let isTTY = isatty(2) != 0
    let quiet: Bool
    private var lastPrint = Date.distantPast

    init(totalFiles: Int, quiet: Bool) {
        self.totalFiles = totalFiles
        self.quiet = quiet
    }

    func update(landed: Int, finished: Int, readings: Int64, force: Bool = false) {
        guard !quiet else { return }
        let now = Date()
        let every = isTTY ? 0.25 : 5.0
        guard force || now.timeIntervalSince(lastPrint) >= every else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(readings) / elapsed : 0
        let eta: String
        if finished > 0 && finished < totalFiles {
            eta = String(format: "%.0f s", elapsed / Double(finished) * Double(totalFiles - finished))
        } else {
            eta = finished >= totalFiles ? "0 s" : "?"
        }
        let line =
            "files landed \(landed)/\(totalFiles), done \(finished)/\(totalFiles), readings stored \(readings), "
            + "\(Int(rate)) readings/s, ETA \(eta), elapsed \(Int(elapsed)) s"
        if isTTY {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func finish() {
        if isTTY && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
