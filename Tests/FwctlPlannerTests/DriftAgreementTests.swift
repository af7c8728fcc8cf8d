import Testing
#if canImport(Glibc)
import Glibc
#endif
import FwctlKernel
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlPlanner

/// The in-memory kernel against the real one on drift: what the reader makes of objects,
/// flags and set attributes put there by nft is what the fake is given, both plan the same,
/// both accept the plan, and both refuse element changes to a constant or full set alike.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies plans to nf_tables in a network namespace"))
struct DriftAgreementTests {
    @Test func fakeAndKernelPlanAndApplyDriftAlike() throws {
        let ns = try TestNamespace(prefix: "fwctl-planner")
        defer { ns.remove() }
        let kernel = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        _ = try kernel.apply(try kernel.plan(toward: Fixture.base))
        try ns.nft(["-f", "-"], stdin: """
            add table inet fwctl { flags dormant; }
            add counter inet fwctl c1
            add quota inet fwctl q1 { 25 mbytes }
            add map inet fwctl m1 { type ipv4_addr : verdict; }
            add set inet fwctl s1 { type ether_addr; }
            delete element inet fwctl role_db_v4 { 192.0.2.20 }
            add element inet fwctl role_db_v4 { 192.0.2.20 comment "x" }

            """)
        let drifted = try #require(try kernel.read(table: Fixture.ref).table)
        #expect(drifted.flags == 1)
        #expect(Set(drifted.objects.map(\.description)) == ["counter c1", "quota q1", "map m1", "set s1"])
        #expect(drifted.set(named: "role_db_v4")?.extras == ["element comments"])
        let fake = InMemoryBackend()
        fake.load(drifted)

        let kernelPlan = try kernel.plan(toward: Fixture.base)
        let fakePlan = try fake.plan(toward: Fixture.base)
        #expect(Fixture.describe(kernelPlan, current: drifted) == Fixture.describe(fakePlan, current: fake.tables.first))
        _ = try kernel.apply(kernelPlan)
        _ = try fake.apply(fakePlan)
        for backend in [kernel, fake] as [RulesetBackend] {
            let t = try #require(try backend.read(table: Fixture.ref).table)
            #expect(t.sameContent(as: Fixture.base) && t.flags == 0 && t.objects.isEmpty)
            #expect(try backend.plan(toward: Fixture.base).isEmpty)
        }
    }

    /// A constant set is fixed once a rule uses it (as fwctl's role sets are used).
    @Test(arguments: ["flags constant,interval", "flags interval; size 1"])
    func bothRefuseGrowingASetThatCannotGrow(_ attributes: String) throws {
        let ns = try TestNamespace(prefix: "fwctl-planner")
        defer { ns.remove() }
        let kernel = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        try ns.nft(["-f", "-"], stdin: """
            table inet fwctl {
                comment "managed by fwctl"
                set s { type ipv4_addr; \(attributes); elements = { 192.0.2.1 } }
                chain input { type filter hook input priority filter; policy accept; ip saddr @s accept; }
            }

            """)
        let loaded = try #require(try kernel.read(table: Fixture.ref).table)
        let fake = InMemoryBackend()
        fake.load(loaded)
        var errnos: [Int32] = []
        for backend in [kernel, fake] as [RulesetBackend] {
            let grow = Plan(table: Fixture.ref, generation: try backend.read(table: Fixture.ref).generation, changes: [
                .addElements(set: "s", keyType: .ipv4Addr, elements: [Fixture.v4("192.0.2.9")]),
            ])
            do {
                _ = try backend.apply(grow)
                Issue.record("\(attributes): \(type(of: backend)) accepted the element")
            } catch BackendError.rejected(_, let errno, _) {
                errnos.append(errno)
            }
        }
        #expect(errnos == (attributes.contains("constant") ? [EBUSY, EBUSY] : [ENFILE, ENFILE]), "\(attributes): \(errnos)")
    }
}
