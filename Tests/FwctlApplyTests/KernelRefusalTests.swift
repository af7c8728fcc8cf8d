import Foundation
import FwctlKernel
import FwctlNet
import FwctlPlanner
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlApply

/// The kernel refuses ONE change of a batch: the error names that change (a rule by its
/// policy line), as the in-memory fake does, and nothing is applied.
///
/// Between plan and apply the test changes the table with nft and then stamps the plan with
/// the new generation: the generation guard would otherwise refuse the whole batch before the
/// kernel looks at any change (that refusal has its own tests), and a refusal of one change
/// only happens when the kernel holds something the plan did not expect.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in a network namespace"), .serialized)
struct KernelRefusalTests {
    static let dbRule = Rule([.address(family: .v4, field: .saddr, match: .set("role_db_v4")),
                              .port(proto: .tcp, field: .dport, match: .range(PortRange(5432))),
                              .counter(packets: 0, bytes: 0), .verdict(.accept)],
                             comment: "t.policy:9: allow db -> web : postgres")

    /// `SampleTable.lbToWeb` plus an unused set `role_db_v4`, and the rule using it.
    static func table(lbHosts: [String], dbRule: Bool) -> Table {
        var t = SampleTable.lbToWeb(lbHosts: lbHosts)
        t.sets.append(NamedSet(name: "role_db_v4", keyType: .ipv4Addr, comment: "role db",
                               elements: [.address(AddressRange(IPAddress("192.0.2.20")!))]))
        if dbRule { t.chains[0].rules.insert(Self.dbRule, at: 2) }
        return t
    }

    /// A host whose apply session works in its namespace and state directory.
    final class Host: TestHost, @unchecked Sendable {
        init() throws { try super.init(prefix: "fwctl-refusal") }

        func session() throws -> ApplySession {
            try ApplySession(stateDirectory: state, lockTimeout: 5, netnsPath: netnsPath)
        }
    }

    /// A rule whose set vanished: the kernel answers ENOENT for its message alone, and the
    /// user reads which policy line could not be loaded.
    @Test func aRefusedRuleNamesItsPolicyLine() throws {
        let h = try Host()
        let session = try h.session()
        defer { session.release() }
        _ = try session.apply(try session.plan(toward: Self.table(lbHosts: ["192.0.2.10"], dbRule: false)), confirmSeconds: nil, check: false)

        var plan = try session.plan(toward: Self.table(lbHosts: ["192.0.2.10", "192.0.2.11"], dbRule: true))
        let ruleIndex = try #require(plan.changes.firstIndex { if case .addRule = $0 { true } else { false } })
        #expect(plan.changes.count == 2 && ruleIndex == 1, "\(plan.changes)")
        try h.ns.nft(["delete", "set", "inet", "fwctl", "role_db_v4"])
        plan.generation = try session.backend.read(table: plan.table).generation
        let listing = try h.ns.nft(["list", "ruleset"])

        let error = #expect(throws: ApplyError.self) { _ = try session.apply(plan, confirmSeconds: nil, check: false) }
        #expect(error?.description == "cannot add a rule to chain input from t.policy:9: allow db -> web : postgres "
                + "(ENOENT: the kernel refused expression 1 of the rule (kernel lookup)); nothing was applied")
        #expect(try h.ns.nft(["list", "ruleset"]) == listing)
    }

    /// A hand-added `jump web` keeps the chain the plan deletes in use: the kernel answers
    /// EBUSY for that deletion, the last change of the batch, and the error carries its index.
    @Test func aRefusedChainDeletionCarriesItsChangeIndex() throws {
        let h = try Host()
        let backend = try NetlinkBackend(netnsPath: h.netnsPath)
        var withWeb = SampleTable.lbToWeb(lbHosts: ["192.0.2.10"])
        withWeb.chains.append(Chain(name: "web", rules: [Rule([.counter(packets: 0, bytes: 0), .verdict(.accept)], comment: "t.policy:4: web")]))
        withWeb.chains[0].rules.insert(Rule([.verdict(.jump("web"))], comment: "t.policy:5: jump web"), at: 1)
        _ = try backend.apply(try backend.plan(toward: withWeb))

        var plan = try backend.plan(toward: SampleTable.lbToWeb(lbHosts: ["192.0.2.10"]))
        let deletion = try #require(plan.changes.firstIndex(of: .deleteChain(name: "web")), "\(plan.changes)")
        #expect(deletion > 0)
        try h.ns.nft(["add", "rule", "inet", "fwctl", "input", "jump", "web"])
        plan.generation = try backend.read(table: plan.table).generation
        let listing = try h.ns.nft(["list", "ruleset"])

        let error = #expect(throws: BackendError.self) { _ = try backend.apply(plan) }
        guard case .rejected(let index, let errno, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(index == deletion)
        #expect(errno == EBUSY)
        #expect(error?.message(for: plan).hasPrefix("cannot remove chain web (EBUSY: ") == true, "\(error!.message(for: plan))")
        #expect(try h.ns.nft(["list", "ruleset"]) == listing)
    }
}
