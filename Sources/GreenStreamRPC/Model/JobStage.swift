/// Which stage a running job is in (`greenstream.v1.JobStage`).
public enum JobStage: Int32, Sendable, CaseIterable {
    case reading = 1
    case transforming = 2
    case encoding = 3
    case reporting = 4
}
