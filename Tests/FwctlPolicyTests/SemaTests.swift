import Testing
@testable import FwctlPolicy

/// Whole-policy checks: each case lists every diagnostic it must give, as `line:col id`.
@Suite struct SemaTests {
    static let base = "role web { host w1 = 192.0.2.1 }\nrole app { host a1 = 192.0.2.2 }\n"

    static func ids(_ text: String, today: CalendarDate = Here.today) -> [String] {
        Here.check(base + text, today: today).diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.id)" }
    }

    @Test(arguments: [
        // Clean.
        ("allow web -> app : tcp/1\nallow app -> web : tcp/2\n", []),
        // A role with no hosts; it is still a valid end.
        ("role spare { }\nallow web -> app, spare : tcp/1\nallow app -> web : tcp/1\n", ["3:6 W-empty-role"]),
        ("service s = tcp/1\nnetwork n = 10.0.0.0/8\nallow web -> app : tcp/1\nallow app -> web : tcp/1\n", ["3:9 W-unused-service", "4:9 W-unused-network"]),
        // Used only by a test counts as used.
        ("service s = tcp/1\nallow web -> app : tcp/1\nallow app -> web : tcp/1\ntest \"t\" { expect deny web -> app : s }\n", []),
        ("network internet = 0.0.0.0/0\nrole db-main { host d = 192.0.2.9 }\nallow internet -> db-main : tcp/3306\nallow app -> web : tcp/1\nallow web -> app : tcp/1\n", ["5:19 W-db-exposed"]),
        ("network world = ::/0\nrole postgres { host d = 192.0.2.9 }\nallow world -> web, postgres : tcp/1\nallow app -> web : tcp/1\nallow web -> app : tcp/1\n", ["5:1 W-flow-vacuous", "5:21 W-db-exposed"]),
        ("role dbx { host d = 192.0.2.9 }\nallow 0.0.0.0/0 -> dbx : tcp/1\nallow app -> web : tcp/1\nallow web -> app : tcp/1\n", []),
        // Deny to a database from the internet is the opposite of exposure.
        ("network internet = 0.0.0.0/0\nrole db { host d = 192.0.2.9 }\ndeny internet -> db : any\nallow * -> * : tcp/22\n", []),
        ("allow web -> app : tcp/1\n", ["1:17 W-host-no-inbound"]),
        ("allow web -> a1 : tcp/1\nallow a1 -> w1 : tcp/1\n", []),
        ("network a = 10.0.0.0/8\nnetwork b = 10.1.0.0/16\nallow a -> b : tcp/1\nallow * -> * : tcp/22\n", ["5:1 W-flow-no-host"]),
        ("allow web -> app : tcp/1, tcp/2\nallow app -> web : tcp/1\nallow web -> app : tcp/2\n", ["5:1 W-shadowed"]),
        ("allow web -> app : any\nallow app -> web : tcp/1\nallow web -> app : icmp echo-request\n", ["5:1 W-shadowed"]),
        ("allow web -> app : icmp echo-request\nallow app -> web : tcp/1\nallow web -> app : icmp\n", []),
        ("allow web, app -> app : tcp/1-100\nallow app -> web : tcp/1\nallow app, web, app -> app : tcp/50\n", ["5:1 W-shadowed"]),
        ("allow web -> app : tcp/1-100\nallow app -> web : tcp/1\nallow web -> app : udp/50\n", []),
        ("allow web -> app : tcp/1 { review 2026-05-31 }\nallow app -> web : tcp/1 { review 2026-06-01 }\n", ["3:35 W-review-passed"]),
        // Errors silence whole-policy warnings (they would be guesses) but not review dates.
        ("service s = tcp/1\nallow web -> nope : tcp/1 { review 2020-01-01 }\n", ["4:14 E-unknown-name", "4:36 W-review-passed"]),
    ])
    func diagnostics(text: String, expected: [String]) {
        #expect(Self.ids(text) == expected)
    }

    @Test(arguments: [
        ("role web { host x = 192.0.2.5 }\n", "3:6 E-duplicate"),
        ("network web = 10.0.0.0/8\n", "3:9 E-kind-clash"),
        ("role r { host web = 192.0.2.5 }\n", "3:15 E-kind-clash"),
        ("role r { host w1 = 192.0.2.99 }\n", "3:10 E-host-conflict"),
        ("role r { host q = 192.0.2.5\n host q = 192.0.2.5 }\n", "4:7 E-duplicate-host"),
        ("service s = tcp/1\nservice s = tcp/2\n", "4:9 E-duplicate"),
        ("defaults { }\ndefaults { }\n", "4:1 E-duplicate-defaults"),
        ("allow web -> app : nope\n", "3:20 E-unknown-name"),
        ("test \"t\" { expect allow web -> nope : tcp/1 }\n", "3:32 E-unknown-name"),
    ])
    func errors(text: String, expected: String) {
        #expect(Self.ids(text + "allow web -> app : tcp/1\nallow app -> web : tcp/1\n").contains(expected), "\(Self.ids(text))")
    }

    @Test func serviceAndRoleNamespacesAreSeparate() {
        // ipv6-only.policy has `role dns` and `service dns`.
        #expect(Self.ids("role dns { host n = 192.0.2.53 }\nservice dns = udp/53\nallow web -> dns : dns\nallow app -> web : tcp/1\nallow dns -> app : tcp/1\n") == [])
    }

    @Test(arguments: [
        ("allow web -> wbe : tcp/1\n", "did you mean 'web'?"),
        ("allow web -> a11 : tcp/1\n", "did you mean 'a1'?"),
        ("service https = tcp/443\nallow web -> app : htps\n", "did you mean 'https'?"),
        ("service https = tcp/443\nallow web -> https : https\n", "'https' is a service, not a role, network or host; services follow the ':'"),
        ("allow web -> app : web\n", "'web' is a role, not a service"),
        ("allow web -> app : w1\n", "'w1' is a host, not a service"),
    ])
    func unknownNameHelp(text: String, help: String) {
        let r = Here.check(Self.base + text)
        #expect(r.diagnostics.first { $0.id == "E-unknown-name" }?.help == help)
    }

    @Test func didYouMeanDistance() {
        #expect(DidYouMean.suggestion(for: "wbe", among: ["web", "db"]) == "web")
        #expect(DidYouMean.suggestion(for: "databse", among: ["database", "db"]) == "database")
        #expect(DidYouMean.suggestion(for: "x", among: ["y", "xx"]) == nil)
        #expect(DidYouMean.suggestion(for: "monitoring", among: ["web", "db"]) == nil)
        #expect(DidYouMean.distance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
    }
}
