import FwctlNet
import FwctlPlanner
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlKernel

/// The real backend in a fresh namespace: plans applied through netlink, read back through
/// netlink, and nft as the independent judge of what the kernel holds.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in a network namespace"))
struct NetlinkBackendTests {
    @Test func applyThenNothingToChangeThenOnlyElements() throws {
        let ns = try TestNamespace(prefix: "fwctl-backend")
        defer { ns.remove() }
        let backend = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        let desired = SampleTable.lbToWeb(lbHosts: ["192.0.2.10", "192.0.2.11"])

        let first = try backend.plan(toward: desired)
        #expect(first.changes.first == .createTable(desired.ref))
        _ = try backend.apply(first)
        #expect(normaliseCounters(try ns.nft(["list", "table", "inet", "fwctl"])) == normaliseCounters(NftText.render(desired)))
        #expect(try backend.plan(toward: desired).isEmpty)

        let before = try #require(backend.read(table: desired.ref).table)
        let grown = SampleTable.lbToWeb(lbHosts: ["192.0.2.10", "192.0.2.11", "192.0.2.12"])
        let plan = try backend.plan(toward: grown)
        #expect(plan.changes == [.addElements(set: "role_lb_v4", keyType: .ipv4Addr, elements: [.address(AddressRange(IPAddress("192.0.2.12")!))])])
        _ = try backend.apply(plan)
        let after = try #require(backend.read(table: desired.ref).table)
        #expect(after.chains[0].rules.map(\.handle) == before.chains[0].rules.map(\.handle))
        #expect(try backend.plan(toward: grown).isEmpty)
    }

    @Test func portAndPolicyChangesAndStaleGeneration() throws {
        let ns = try TestNamespace(prefix: "fwctl-backend")
        defer { ns.remove() }
        let backend = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        _ = try backend.apply(try backend.plan(toward: SampleTable.lbToWeb(lbHosts: ["192.0.2.10"])))

        let changed = SampleTable.lbToWeb(lbHosts: ["192.0.2.10"], port: 8443, policy: .accept)
        let plan = try backend.plan(toward: changed)
        // Someone else changes fwctl's table between plan and apply: refused, nothing changes.
        _ = try ns.nft(["add", "element", "inet", "fwctl", "role_lb_v4", "{ 203.0.113.7 }"])
        let listing = try ns.nft(["list", "ruleset"])
        var notices: [String] = []
        backend.notice = { notices.append($0) }
        #expect(throws: BackendError.self) { try backend.apply(plan) }
        #expect(try ns.nft(["list", "ruleset"]) == listing)
        #expect(notices.isEmpty)
        _ = try ns.nft(["delete", "element", "inet", "fwctl", "role_lb_v4", "{ 203.0.113.7 }"])

        _ = try backend.apply(try backend.plan(toward: changed))
        #expect(normaliseCounters(try ns.nft(["list", "table", "inet", "fwctl"])) == normaliseCounters(NftText.render(changed)))
    }

    /// Another table commits between plan and apply (a busy host): fwctl's table is as the
    /// plan found it, so the same batch goes again at the new generation, once, and says so.
    @Test func aCommitToAnotherTableIsRetriedAtTheNewGeneration() throws {
        let ns = try TestNamespace(prefix: "fwctl-backend")
        defer { ns.remove() }
        let backend = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        _ = try backend.apply(try backend.plan(toward: SampleTable.lbToWeb(lbHosts: ["192.0.2.10"])))
        let changed = SampleTable.lbToWeb(lbHosts: ["192.0.2.10", "192.0.2.11"], port: 8443, policy: .accept)
        let plan = try backend.plan(toward: changed)
        _ = try ns.nft(["add", "table", "ip", "other"])
        var notices: [String] = []
        backend.notice = { notices.append($0) }
        let generation = try #require(try backend.apply(plan))
        #expect(notices.count == 1 && notices[0].contains("sending the same plan again"), "\(notices)")
        #expect(backend.sentAtGeneration == plan.generation.map { $0 + 1 })
        #expect(generation == plan.generation.map { $0 + 2 })
        #expect(normaliseCounters(try ns.nft(["list", "table", "inet", "fwctl"])) == normaliseCounters(NftText.render(changed)))
        #expect(try ns.nft(["list", "table", "ip", "other"]).contains("table ip other"))
        #expect(try backend.plan(toward: changed).isEmpty)
    }
}
