// The command --chaos runs to bring killed processes back. Default:
//   <repo>/cluster/local.sh up --dir <cluster dir> --workers <N>
// where N is the number of run/worker-*.pid files (so `up` restarts exactly the cluster's workers)
// and <repo> is $GS_REPO, or else the first folder above the gs-loadtest binary that holds
// cluster/local.sh (a build in <repo>/.build/… finds its own checkout). When GS_BIN_DIR is unset
// and greenstream and gsctl sit beside gs-loadtest, GS_BIN_DIR points there, so local.sh restarts
// the same build instead of building a release. Its output is appended to
// <cluster dir>/logs/gs-loadtest-restart.log.
import Foundation

enum RestartCommand {
    static func resolve(option: String?, clusterDirectory: String, workers: Int) throws -> (String, [String: String]) {
        var environment = ProcessInfo.processInfo.environment
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let binDir = binary.deletingLastPathComponent().path
        if environment["GS_BIN_DIR"] == nil, FileManager.default.isExecutableFile(atPath: binDir + "/greenstream"),
            FileManager.default.isExecutableFile(atPath: binDir + "/gsctl")
        {
            environment["GS_BIN_DIR"] = binDir
        }
        if let option { return (option, environment) }
        guard let repo = findRepo(environment: environment, binary: binary) else {
            throw LoadTestError(
                "--chaos: cannot find cluster/local.sh (set GS_REPO to the checkout, or give --restart-command)")
        }
        let log = clusterDirectory + "/logs/gs-loadtest-restart.log"
        let command = "\(quote(repo + "/cluster/local.sh")) up --dir \(quote(clusterDirectory)) --workers \(workers)"
            + " >>\(quote(log)) 2>&1"
        return (command, environment)
    }

    static func findRepo(environment: [String: String], binary: URL) -> String? {
        let fm = FileManager.default
        if let repo = environment["GS_REPO"], fm.fileExists(atPath: repo + "/cluster/local.sh") { return repo }
        var dir = binary.deletingLastPathComponent()
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.path + "/cluster/local.sh") { return dir.path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
