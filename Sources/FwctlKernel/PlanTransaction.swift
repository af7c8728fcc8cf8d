import FwctlNetlink
import FwctlPlanner
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// A plan as one netlink transaction, and for each operation of it the plan change it came
/// from: the kernel names the message it refused, the transaction the operation, this the
/// change, so a refusal names the change (and, for a rule, its policy line) as
/// `BackendError.message(for:)` shows it.
struct PlanTransaction {
    var tx: Transaction
    /// Per operation of `tx`, in order: the index in `Plan.changes` of its change.
    var changeIndex: [Int]

    init(tx: Transaction, changeIndex: [Int]) {
        self.tx = tx
        self.changeIndex = changeIndex
    }

    /// The operations for every change, in plan order. `hooks`: the base chains' hooks as the
    /// kernel holds them, which a policy change re-sends.
    init(_ plan: Plan, hooks: [String: BaseChainHook]) {
        var tx = Transaction()
        var changeIndex: [Int] = []
        let t = plan.table
        var localIDs: [Int: Int] = [:]   // plan rule id -> transaction rule id
        for (index, change) in plan.changes.enumerated() {
            switch change {
            case .createTable(let ref):
                tx.addTable(family: ref.family, name: ref.name, comment: Table.ownershipComment)
            case .changeTableFlags(_, let to):
                tx.setTableFlags(table: t, flags: to)
            case .deleteObject(let object):
                tx.deleteObject(table: t, object: object)
            case .addSet(let set):
                tx.addSet(table: t, set: set)
            case .deleteSet(let name, _):
                tx.deleteSet(table: t, name: name)
            case .addElements(let set, let keyType, let elements):
                tx.addElements(table: t, set: NamedSet(name: set, keyType: keyType), elements: elements)
            case .removeElements(let set, let keyType, let elements):
                tx.deleteElements(table: t, set: NamedSet(name: set, keyType: keyType), elements: elements)
            case .addChain(let chain):
                tx.addChain(table: t, chain: chain)
            case .changeChainPolicy(let name, _, let to):
                // NEWCHAIN on an existing base chain updates its policy in place.
                var hook = hooks[name] ?? BaseChainHook(hook: .input, policy: to)
                hook.policy = to
                tx.addChain(table: t, chain: Chain(name: name, hook: hook))
            case .deleteChain(let name):
                tx.deleteChain(table: t, name: name)
            case .addRule(let chain, let rule, let anchor, let id):
                let position: RulePosition = switch anchor {
                case .top: .top
                case .append: .append
                case .afterHandle(let h): .afterHandle(h)
                case .beforeHandle(let h): .beforeHandle(h)
                case .afterNew(let other): .afterNew(localIDs[other] ?? 0)
                }
                localIDs[id] = tx.addRule(table: t, chain: chain, rule: rule, position: position)
            case .deleteRule(let chain, let handle, _):
                tx.deleteRule(table: t, chain: chain, handle: handle)
            case .replaceRule(let chain, let handle, _, let rule):
                tx.replaceRule(table: t, chain: chain, handle: handle, rule: rule)
            }
            changeIndex += repeatElement(index, count: tx.operationCount - changeIndex.count)
        }
        self.init(tx: tx, changeIndex: changeIndex)
    }

    /// The plan change the operation at `operation` came from; nil for none (the batch as
    /// a whole, or a transaction not made from a plan).
    func change(ofOperation operation: Int?) -> Int? {
        guard let operation, changeIndex.indices.contains(operation) else { return nil }
        return changeIndex[operation]
    }

    /// The kernel's refusal of the batch (not a generation conflict) as the plan's error.
    /// Attributed to a change, the reason is what the kernel said beyond the object, which
    /// the change's own phrase names.
    func rejection(_ e: NetlinkError) -> BackendError {
        guard let index = change(ofOperation: e.operationIndex) else {
            return .rejected(changeIndex: nil, errno: e.errno, reason: e.description)
        }
        var reason = "the kernel refused " + (e.attribute ?? "it")
        if let message = e.message, !message.isEmpty { reason += ": \(message)" }
        return .rejected(changeIndex: index, errno: e.errno, reason: reason)
    }

    /// A change the codec cannot encode (nothing was sent).
    func rejection(_ e: EncodingError) -> BackendError {
        .rejected(changeIndex: change(ofOperation: e.operationIndex), errno: EINVAL, reason: e.description)
    }
}
