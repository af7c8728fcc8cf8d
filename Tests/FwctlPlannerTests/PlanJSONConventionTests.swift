import Foundation
import FwctlNet
import FwctlPlanner
import FwctlRuleset
import FwctlTestSupport
import Testing

/// The plan's JSON (`plan --format json`, saved plans) follows fwctl's JSON convention.
@Suite struct PlanJSONConventionTests {
    @Test func planJSONFollowsTheConvention() throws {
        var table = Table(family: .inet, name: "fwctl")
        table.chains = [Chain(name: "input", hook: BaseChainHook(type: .filter, hook: .input, priority: 0, policy: .drop),
                              rules: [Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(6379))), .verdict(.accept)],
                                           comment: "p.policy:3: allow web -> db : tcp/6379")])]
        let plan = try InMemoryBackend().plan(toward: table)
        let json = try PlanRenderer.json(plan)
        #expect(json.contains("tcp/6379") && JSONConvention.violations(in: json) == [], "\(json)")
        let file = String(decoding: try PlanFile(plan: plan, desired: table, host: "db1", policySHA256: nil).encoded(), as: UTF8.self)
        #expect(JSONConvention.violations(in: file) == [], "\(file)")
    }
}
