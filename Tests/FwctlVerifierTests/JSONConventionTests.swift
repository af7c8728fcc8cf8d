import Foundation
import FwctlCompiler
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlVerifier

/// `verify`, `test` and `diff --format json` follow fwctl's JSON convention (`FwctlJSON`):
/// keys sorted, `tcp/6379` as written.
@Suite struct JSONConventionTests {
    static let policy = """
        service redis = tcp/6379
        role web { host web1 = 192.0.2.1 }
        role db { host db1 = 192.0.2.2 }
        allow web -> db : redis
        test "reach" {
          expect allow web -> db : tcp/6379
          expect deny db -> web : tcp/22
          expect allow db -> web : tcp/80
        }

        """

    @Test func diffKeepsSlashesAndSortsKeys() throws {
        let old = try PolicyText.fleet(Self.policy, file: "old.policy"), new = try PolicyText.fleet(Self.policy + "allow db -> web : tcp/8080\n", file: "new.policy")
        let diff = PolicyDiff(old: PolicyFlows(fleet: old, model: PolicyText.model(old)), new: PolicyFlows(fleet: new, model: PolicyText.model(new)))
        let json = diff.json()
        #expect(json.contains("\"tcp/8080\"") && JSONConvention.violations(in: json) == [], "\(json)")
    }

    @Test func testReportFollowsTheConvention() throws {
        let json = try PolicyText.report(Self.policy).json()
        #expect(json.contains("\"failure\": {") && json.contains("tcp/6379"), "a failing expectation is reported: \(json)")
        #expect(JSONConvention.violations(in: json) == [], "\(json)")
    }

    @Test func verifyReportFollowsTheConvention() throws {
        let fleet = try PolicyText.fleet(Self.policy)
        let ruleset = try Compiler(fleet: fleet).compile(host: "db1")
        let report = VerificationReport(source: "compiled", hosts: [PolicyVerifier.verify(fleet: fleet, host: "db1", ruleset: ruleset)],
                                        matrix: Reachability.matrix(PolicyText.model(fleet), fleet: fleet))
        #expect(report.json.split(separator: "\n").count > 3, "pretty-printed like every other report")
        #expect(JSONConvention.violations(in: report.json) == [], "\(report.json)")
    }
}
