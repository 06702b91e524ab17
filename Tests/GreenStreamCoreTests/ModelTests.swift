import Testing
@testable import GreenStreamCore

@Test func qualityNamesRoundTrip() {
    for q in Quality.allCases { #expect(Quality(name: q.name) == q) }
    #expect(Quality(name: "bogus") == nil)
}
