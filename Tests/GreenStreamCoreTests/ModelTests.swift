import Testing
@testable import GreenStreamCore

@Test func qualityNamesRoundTrip() {
    for q in Quality.allCases { #expect(Quality(name: q.name) == q) }
    #expect(Quality(name: "bogus") == nil)
}

@Test("R-J-2 job states carry the spec's names (the PostgreSQL enum labels); three are terminal")
func jobStateNamesAndTerminals() {
    #expect(JobState.allCases.map(\.rawValue) == ["pending", "running", "retrying", "succeeded", "quarantined", "duplicate"])
    #expect(JobState.allCases.filter(\.isTerminal) == [.succeeded, .quarantined, .duplicate])
    #expect(JobLease(jobID: 9, attempt: 2).description == "job 9 attempt 2")
}
