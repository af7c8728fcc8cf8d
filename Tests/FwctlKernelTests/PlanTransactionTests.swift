import FwctlNet
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset
import Glibc
import Testing
#if canImport(Glibc)
@testable import FwctlKernel
#endif

/// From a refused transaction operation to the plan change it came from, and from there to
/// the line the user reads; no kernel needed.
@Suite struct PlanTransactionTests {
    static let ref = TableRef(name: "fwctl")
    static let rule = Rule([.address(family: .v4, field: .saddr, match: .set("role_db_v4")),
                            .port(proto: .tcp, field: .dport, match: .range(PortRange(5432))), .verdict(.accept)],
                           comment: "t.policy:9: allow db -> web : postgres")
    static let plan = Plan(table: ref, generation: 7, changes: [
        .createTable(ref),
        .addSet(NamedSet(name: "role_db_v4", keyType: .ipv4Addr, elements: [.address(AddressRange(IPAddress("192.0.2.20")!))])),
        .addChain(Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop))),
        .changeChainPolicy(chain: "input", from: .drop, to: .accept),
        .addRule(chain: "input", rule: rule, position: .append, id: 1),
        .deleteRule(chain: "input", handle: 4, rule: Rule([.verdict(.drop)], comment: "t.policy:2: deny")),
        .deleteChain(name: "web"),
    ])

    @Test func everyOperationKnowsItsChange() {
        let batch = PlanTransaction(Self.plan, hooks: [:])
        #expect(batch.tx.operationCount == Self.plan.changes.count)
        #expect(batch.changeIndex == Array(Self.plan.changes.indices))
        #expect(batch.change(ofOperation: nil) == nil)
        #expect(batch.change(ofOperation: Self.plan.changes.count) == nil)
    }

    @Test func aRefusedRuleNamesItsPolicyLine() {
        let batch = PlanTransaction(Self.plan, hooks: [:])
        let refusal = NetlinkError(errno: ENOENT, operation: "add rule", object: "rule 1 of chain input, expression 1 of the rule (kernel lookup)",
                                   attribute: "expression 1 of the rule (kernel lookup)", extAckOffset: 48, operationIndex: 4)
        let error = batch.rejection(refusal)
        #expect(error == .rejected(changeIndex: 4, errno: ENOENT, reason: "the kernel refused expression 1 of the rule (kernel lookup)"))
        #expect(error.message(for: Self.plan) == "cannot add a rule to chain input from t.policy:9: allow db -> web : postgres "
                + "(ENOENT: the kernel refused expression 1 of the rule (kernel lookup)); nothing was applied")
        let busy = batch.rejection(NetlinkError(errno: EBUSY, operation: "delete chain", object: "chain web", message: "chain in use", operationIndex: 6))
        #expect(busy.message(for: Self.plan) == "cannot remove chain web (EBUSY: the kernel refused it: chain in use); nothing was applied")
    }

    /// BATCH_BEGIN's or BATCH_END's refusal is the plan's as a whole.
    @Test func aRefusalOfTheBatchNamesNoChange() {
        let batch = PlanTransaction(Self.plan, hooks: [:])
        let refusal = NetlinkError(errno: EPERM, operation: "commit batch")
        #expect(batch.rejection(refusal) == .rejected(changeIndex: nil, errno: EPERM, reason: refusal.description))
    }

    @Test func anEncodingErrorNamesItsChange() {
        let batch = PlanTransaction(Self.plan, hooks: [:])
        let error = batch.rejection(EncodingError(object: "rule 1 of chain input", reason: "no interface nosuch0", operationIndex: 4))
        guard case .rejected(4, EINVAL, _) = error else { Issue.record("\(error)"); return }
    }
}
