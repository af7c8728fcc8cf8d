import FwctlNet
import FwctlRuleset

/// One change of a plan, in the order it is applied.
///
/// Each case carries what a reviewer needs without looking anything up: the object, its
/// before/after where both exist, and for rules the whole rule, whose comment is the policy
/// line it came from. A backend turns each case into one kernel message (NEWSET, DELRULE, ...).
public enum Change: Hashable, Sendable {
    /// Create the table itself; only ever the first change of a plan.
    case createTable(TableRef)
    /// Create a named set together with its elements.
    case addSet(NamedSet)
    /// Change the table's flags in place (NEWTABLE on the existing table): fwctl's table has
    /// none, so this clears what someone else set, such as `dormant`.
    case changeTableFlags(from: UInt32, to: UInt32)
    /// Delete something of the table fwctl does not model (a named counter, a flowtable, a
    /// map...); rules using it are deleted by earlier changes of the same plan.
    case deleteObject(TableObject)
    /// Delete a named set; rules using it are deleted by earlier changes of the same plan.
    /// `drift`: what the kernel's set held that fwctl never generates (`flags constant`...),
    /// when that is why it is deleted and re-added.
    case deleteSet(name: String, drift: [String] = [])
    /// Add exactly these elements to an existing set (NEWSETELEM).
    case addElements(set: String, keyType: SetKeyType, elements: [SetElement])
    /// Remove exactly these elements from an existing set (DELSETELEM).
    case removeElements(set: String, keyType: SetKeyType, elements: [SetElement])
    /// Create a chain: its header only (name, hook, comment); rules come as `addRule`.
    case addChain(Chain)
    /// Change a base chain's policy in place; the chain keeps its rules, handles and counters.
    case changeChainPolicy(chain: String, from: ChainPolicy, to: ChainPolicy)
    /// Delete a chain that is empty and no longer jumped to (earlier changes saw to both).
    case deleteChain(name: String)
    /// Insert a rule. `id` names it within the plan so later rules can be placed after it
    /// before the kernel has given it a handle (NFTA_RULE_ID / NFTA_RULE_POSITION_ID).
    case addRule(chain: String, rule: Rule, position: RuleAnchor, id: Int)
    /// Delete the rule the kernel knows by `handle`; `rule` is what it was, for review.
    case deleteRule(chain: String, handle: UInt64, rule: Rule)
    /// Replace a rule in place (NEWRULE with NLM_F_REPLACE): it keeps its handle and
    /// position. The planner uses it when only the comment changes (a flow whose policy line
    /// moved); `to` carries `from`'s counter values, so the kernel goes on counting from there.
    case replaceRule(chain: String, handle: UInt64, from: Rule, to: Rule)

    /// What the change does, in a few words for an error line: the object by name, a rule
    /// by its chain and the policy line it came from (its comment).
    public var phrase: String {
        func elements(_ e: [SetElement]) -> String { e.count == 1 ? "element \(e[0].text)" : "\(e.count) elements" }
        func from(_ rule: Rule) -> String { rule.comment.map { " from \($0)" } ?? "" }
        return switch self {
        case .createTable(let ref): "create table \(ref)"
        case .changeTableFlags(_, let to): to == 0 ? "clear the table's flags" : "set the table's flags to \(to)"
        case .deleteObject(let o): "remove \(o)"
        case .addSet(let s): "add set \(s.name)"
        case .deleteSet(let name, _): "remove set \(name)"
        case .addElements(let set, _, let e): "add \(elements(e)) to set \(set)"
        case .removeElements(let set, _, let e): "remove \(elements(e)) from set \(set)"
        case .addChain(let c): "add chain \(c.name)"
        case .changeChainPolicy(let chain, _, let to): "set the policy of chain \(chain) to \(to.rawValue)"
        case .deleteChain(let chain): "remove chain \(chain)"
        case .addRule(let chain, let rule, _, _): "add a rule to chain \(chain)" + from(rule)
        case .deleteRule(let chain, let handle, let rule): "remove rule \(handle) of chain \(chain)" + from(rule)
        case .replaceRule(let chain, let handle, _, let rule): "replace rule \(handle) of chain \(chain)" + from(rule)
        }
    }

    /// Whether the change adds, changes or removes an object, for the summary. Element
    /// changes change their set in place (Terraform's `~`): the set is the object.
    public var action: ChangeAction {
        switch self {
        case .createTable, .addSet, .addChain, .addRule: .add
        case .changeTableFlags, .changeChainPolicy, .addElements, .removeElements, .replaceRule: .change
        case .deleteObject, .deleteSet, .deleteChain, .deleteRule: .remove
        }
    }
}

/// The three kinds of change, with the symbol each is shown with.
public enum ChangeAction: String, Hashable, Sendable, Codable, CaseIterable {
    case add, change, remove

    /// Terraform's symbols: `+` add, `~` change in place, `-` remove.
    public var symbol: Character {
        switch self {
        case .add: "+"
        case .change: "~"
        case .remove: "-"
        }
    }
}

/// Where an added rule goes in its chain.
///
/// Kernel handles are positions that survive other changes, so a rule is anchored to a
/// neighbour rather than to an index: indices shift as the batch inserts and deletes.
public enum RuleAnchor: Hashable, Sendable {
    /// First in the chain (NEWRULE without position and without NLM_F_APPEND).
    case top
    /// Last in the chain (NLM_F_APPEND without position).
    case append
    /// Right after an existing rule (NFTA_RULE_POSITION + NLM_F_APPEND).
    case afterHandle(UInt64)
    /// Right before an existing rule (NFTA_RULE_POSITION without NLM_F_APPEND).
    case beforeHandle(UInt64)
    /// Right after a rule added earlier in the same plan, named by its `id`
    /// (NFTA_RULE_POSITION_ID + NLM_F_APPEND).
    case afterNew(Int)
}
