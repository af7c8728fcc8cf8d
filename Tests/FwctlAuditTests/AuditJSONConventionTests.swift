import Foundation
import FwctlAudit
import FwctlRuleset
import FwctlTestSupport
import Testing

/// Both audit schemas follow fwctl's JSON convention (`FwctlJSON`), the streamed one too.
@Suite struct AuditJSONConventionTests {
    @Test(arguments: ["scale-up.policy", "stacked.policy"])
    func bothSchemasFollowTheConvention(_ name: String) throws {
        let p = try Fixtures.bundled(name)
        let v1 = AuditJSON.render(p.builder.build(now: Fixtures.now))
        #expect(JSONConvention.violations(in: v1) == [])
        var v2 = ""
        AuditExport(fleet: p.fleet, files: p.files, now: Fixtures.now).write { v2 += $0 }
        #expect(JSONConvention.violations(in: v2) == [])
        #expect(v2.contains("\"hosts\": [\n    {\n      \"addresses\""), "the hosts streamed in their place among the keys")
    }
}
