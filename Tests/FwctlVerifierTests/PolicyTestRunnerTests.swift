import Foundation
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// The runner on the web and database policy with an ops network and a test block: each
/// expectation's outcome, and for a failure the packet and the deciding rules.
@Suite struct PolicyTestRunnerTests {
    static let policy = PolicyText.webAndDatabase + """
        defaults { egress = filter }
        network ops = 198.51.100.0/24
        service ssh = tcp/22
        allow ops -> * : ssh
        test "cases" {
          EXPECTATIONS
        }
        """

    struct Case: Sendable, CustomStringConvertible {
        var expectation: String
        /// nil: passes; otherwise the failure's reason and packet.
        var failure: (reason: String, packet: String)?
        var description: String { expectation }
    }

    static let cases: [Case] = [
        Case(expectation: "expect allow internet -> web : https"),
        Case(expectation: "expect allow web -> db : pg"),
        Case(expectation: "expect allow ops -> web, db : ssh"),
        Case(expectation: "expect deny db -> web : pg"),
        Case(expectation: "expect deny internet -> db : https, pg"),
        Case(expectation: "expect only web -> db : pg"),
        Case(expectation: "expect allow db -> web : pg", failure: ("not admitted", "192.0.2.2 -> 192.0.2.1 tcp/5432")),
        Case(expectation: "expect allow web -> db : tcp/5432-5433", failure: ("not admitted", "192.0.2.1 -> 192.0.2.2 tcp/5433")),
        Case(expectation: "expect deny web -> db : tcp/5000-6000", failure: ("admitted", "192.0.2.1 -> 192.0.2.2 tcp/5432")),
        Case(expectation: "expect deny internet -> web : any", failure: ("admitted", "0.0.0.0 -> 192.0.2.1 tcp/443")),
        // A network end means its own addresses: `internet` here is not `ops`, inside it.
        Case(expectation: "expect deny internet -> db : any"),
        Case(expectation: "expect deny ops -> db : any", failure: ("admitted", "198.51.100.0 -> 192.0.2.2 tcp/22")),
        // Essential ICMP and rate-limited ping reach every host; a deny of `any` is about the flows.
        Case(expectation: "expect deny db -> web : any"),
        Case(expectation: "expect deny db -> web : ssh, any"),
        Case(expectation: "expect deny web -> db : pg, any", failure: ("admitted", "192.0.2.1 -> 192.0.2.2 tcp/5432")),
        // ops lies inside internet, so https reaches web from ops too.
        Case(expectation: "expect only ops -> web : ssh", failure: ("also admitted", "198.51.100.0 -> 192.0.2.1 tcp/443")),
        Case(expectation: "expect only web -> db : tcp/5432-5440", failure: ("not admitted", "192.0.2.1 -> 192.0.2.2 tcp/5433")),
    ]

    @Test(arguments: cases) func expectation(_ c: Case) throws {
        let report = try PolicyText.report(Self.policy.replacingOccurrences(of: "EXPECTATIONS", with: c.expectation))
        let result = try #require(report.tests.first?.expectations.first)
        #expect(report.summary == (c.failure == nil ? "1 passed, 0 failed" : "0 passed, 1 failed"))
        guard let want = c.failure else {
            #expect(result.passed, "\(result.failure.map { "\($0.reason): \($0.packet)" } ?? "")")
            return
        }
        let got = try #require(result.failure)
        #expect(got.reason == want.reason)
        #expect(got.packet.description == want.packet)
    }

    @Test func failureNamesTheDecidingRuleOnEachEnd() throws {
        let report = try PolicyText.report(Self.policy.replacingOccurrences(of: "EXPECTATIONS", with: "expect deny web -> db : pg"))
        let failure = try #require(report.tests[0].expectations[0].failure)
        #expect(failure.ends.map(\.host) == ["web1", "db1"])
        for end in failure.ends {
            #expect(end.verdict.verdict == .accept)
            #expect(end.comment?.hasPrefix("t.policy:7: allow web -> db : pg") == true, "\(end)")
        }
        let text = report.text()
        #expect(text.contains("FAIL t.policy:13: expect deny web -> db : pg"))
        #expect(text.contains("admitted: 192.0.2.1 -> 192.0.2.2 tcp/5432"))
        #expect(text.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func denyOnADroppedFlowNamesTheDroppingEnd() throws {
        let report = try PolicyText.report(Self.policy.replacingOccurrences(of: "EXPECTATIONS", with: "expect allow db -> web : pg"))
        let failure = try #require(report.tests[0].expectations[0].failure)
        // db1 has no egress flow to web: its output chain drops by policy; web's input drops too.
        #expect(failure.ends.contains { $0.host == "db1" && !$0.verdict.verdict.admits })
    }
}
