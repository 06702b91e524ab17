// --chaos: faults during the run. Every `interval` seconds a random worker gets SIGKILL and is
// brought back with the restart command; on the second tick the coordinator gets SIGKILL instead,
// and on the fourth PostgreSQL is stopped (SIGINT: fast shutdown, so the restart needs no crash
// recovery of stale locks) and brought back the same way. Processes are found through the cluster
// directory's run/*.pid files and judged alive by /proc (zombies count as dead).
import Foundation

/// One injected fault.
public struct ChaosEvent: Sendable, Codable {
    /// Seconds since the run started.
    public var at: Double
    /// `SIGKILL worker-2`, `SIGKILL coordinator`, `SIGINT postgres (fast shutdown)`.
    public var fault: String
    public var pid: Int32
    /// Seconds from the signal until the restart command returned (the process was down at most this long).
    public var downSeconds: Double
    /// Empty when the restart worked; otherwise what went wrong.
    public var error: String
}

/// Runs the fault loop on a thread of its own.
final class Chaos: @unchecked Sendable {
    let processes: ClusterProcesses
    let restartCommand: String
    let environment: [String: String]
    let interval: Double
    let started: Date
    private let lock = NSLock()
    private var events: [ChaosEvent] = []
    private var stopRequested = false
    private var majorFaultsDone = false
    private var finished = false
    private var rng: SystemRandomNumberGenerator

    init(processes: ClusterProcesses, restartCommand: String, environment: [String: String], interval: Double, started: Date) {
        self.processes = processes
        self.restartCommand = restartCommand
        self.environment = environment
        self.interval = interval
        self.started = started
        rng = SystemRandomNumberGenerator()
    }

    /// The faults injected so far.
    var log: [ChaosEvent] { lock.withLock { events } }
    /// True once the coordinator and PostgreSQL faults are behind us (the run must not end before).
    var didMajorFaults: Bool { lock.withLock { majorFaultsDone } }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "gs-loadtest chaos"
        thread.start()
    }

    /// Asks the loop to end and waits until it has (a fault in progress finishes with its restart).
    func stop() {
        lock.withLock { stopRequested = true }
        while !lock.withLock({ finished }) { usleep(10_000) }
    }

    private func loop() {
        var tick = 0
        var next = Date().addingTimeInterval(interval)
        while true {
            // Sleep in small steps so stop() is answered promptly; the interval is the fault rate, not a wait.
            while Date() < next {
                if lock.withLock({ stopRequested }) {
                    lock.withLock { finished = true }
                    return
                }
                usleep(50_000)
            }
            tick += 1
            switch tick {
            case 2: inject(name: "coordinator", signal: SIGKILL, label: "SIGKILL coordinator")
            case 4:
                inject(name: "postgres", signal: SIGINT, label: "SIGINT postgres (fast shutdown), restart")
                lock.withLock { majorFaultsDone = true }
            default:
                let workers = processes.workers()
                if let name = workers.randomElement(using: &rng) {
                    inject(name: name, signal: SIGKILL, label: "SIGKILL \(name)")
                }
            }
            next = Date().addingTimeInterval(interval)
        }
    }

    private func inject(name: String, signal: Int32, label: String) {
        let at = Date()
        var pid: Int32 = processes.pid(name) ?? 0
        var problems: [String] = []
        do {
            pid = try processes.signalAndWait(name, signal: signal)
        } catch {
            problems.append("\(error)")
        }
        if let failure = runRestart() { problems.append(failure) }
        let event = ChaosEvent(
            at: at.timeIntervalSince(started), fault: label, pid: pid, downSeconds: Date().timeIntervalSince(at),
            error: problems.joined(separator: "; "))
        lock.withLock { events.append(event) }
    }

    /// Runs the restart command; nil when it exited 0.
    func runRestart() -> String? {
        Self.run(restartCommand, environment: environment)
    }

    static func run(_ command: String, environment: [String: String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "restart command did not start: \(error)"
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "restart command exited \(process.terminationStatus)"
    }
}
