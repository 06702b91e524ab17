import GreenStreamCoordinator
import GreenStreamRPC
import Testing

struct CoordinatorConfigurationTests {
    static func base() -> CoordinatorConfiguration {
        CoordinatorConfiguration(
            dataDirectory: "/d", postgresURL: "postgresql://x", listenURL: "tcp://127.0.0.1:0", token: "t")
    }

    @Test("Bad settings fail at start with a message naming the option")
    func invalidSettingsAreRefused() {
        var c = Self.base()
        c.token = ""
        #expect(
            throws: CoordinatorError.invalidConfiguration(
                "a cluster token is required: --token/GS_TOKEN or --token-file/GS_TOKEN_FILE")
        ) { try c.validate() }
        c = Self.base()
        c.listenURL = "tls+tcp://127.0.0.1:0"
        #expect(throws: CoordinatorError.invalidConfiguration("a tls+tcp:// endpoint needs --tls-cert and --tls-key")) {
            try c.validate()
        }
        c = Self.base()
        c.settings = TransformSettings(sourceTimeZone: "Mars/Olympus")
        #expect(throws: CoordinatorError.self) { try c.validate() }
        c = Self.base()
        c.heartbeatTimeoutSeconds = 0
        #expect(throws: CoordinatorError.self) { try c.validate() }
        #expect(throws: Never.self) { try Self.base().validate() }
    }

    @Test(
        "R-J-1 names: temporary names are ignored, unsafe names refused",
        arguments: [
            (".x.csv", true, true), ("a.csv.tmp", true, true), ("a.part", true, true), ("a.csv", false, true),
            ("a..b.csv", false, false), ("../a.csv", true, false), ("a/b.csv", false, false),
            ("a\\b.csv", false, false),
            ("", false, false), ("a\nb.csv", false, false),
        ])
    func landingNames(name: String, ignored: Bool, safe: Bool) {
        #expect(Zones.isIgnored(name) == ignored)
        #expect(Zones.isSafe(name) == safe)
    }
}
