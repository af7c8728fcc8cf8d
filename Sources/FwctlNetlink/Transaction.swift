import FwctlRuleset

/// Where `Transaction.addRule` puts a rule in its chain.
public enum RulePosition: Hashable, Sendable {
    /// End of the chain.
    case append
    /// Beginning of the chain.
    case top
    case afterHandle(UInt64), beforeHandle(UInt64)
    /// Relative to a rule added earlier in the same transaction (its local id; POSITION_ID).
    case afterNew(Int), beforeNew(Int)
}

/// A list of nf_tables changes applied as one atomic batch by `NftConnection.commit`.
///
/// A value: it only records operations; encoding (which needs the target namespace, e.g.
/// for interface indexes) happens at commit time.
public struct Transaction: Hashable, Sendable {
    enum Operation: Hashable, Sendable {
        case addTable(TableRef, comment: String?)
        case setTableFlags(TableRef, UInt32)
        case deleteTable(TableRef)
        case deleteObject(TableRef, TableObject)
        case addChain(TableRef, Chain)
        case deleteChain(TableRef, String)
        case flushChain(TableRef, String)
        case addSet(TableRef, NamedSet)
        case deleteSet(TableRef, String)
        case addElements(TableRef, NamedSet, [SetElement])
        case deleteElements(TableRef, NamedSet, [SetElement])
        case addRule(TableRef, chain: String, Rule, RulePosition, id: Int)
        case replaceRule(TableRef, chain: String, handle: UInt64, Rule)
        case deleteRule(TableRef, chain: String, handle: UInt64)
    }

    private(set) var operations: [Operation] = []
    private var lastRuleID = 0

    public init() {}

    /// Creates a table with no flags and, when given, a comment (which the kernel keeps
    /// for the table's lifetime).
    public mutating func addTable(family: TableFamily, name: String, comment: String? = nil) {
        operations.append(.addTable(TableRef(family: family, name: name), comment: comment))
    }

    /// Sets an existing table's flags (NEWTABLE on it), e.g. 0 to wake a dormant table.
    public mutating func setTableFlags(table: TableRef, flags: UInt32) {
        operations.append(.setTableFlags(table, flags))
    }

    /// Deletes a stateful object (DELOBJ), a flowtable (DELFLOWTABLE) or a set or map the
    /// model does not hold (DELSET).
    public mutating func deleteObject(table: TableRef, object: TableObject) {
        operations.append(.deleteObject(table, object))
    }

    public mutating func deleteTable(family: TableFamily, name: String) {
        operations.append(.deleteTable(TableRef(family: family, name: name)))
    }

    /// NEWCHAIN for the chain's header (rules are ignored); on an existing base chain this
    /// updates its policy.
    public mutating func addChain(table: TableRef, chain: Chain) {
        var header = chain
        header.rules = []
        operations.append(.addChain(table, header))
    }

    public mutating func deleteChain(table: TableRef, name: String) { operations.append(.deleteChain(table, name)) }

    /// Removes every rule of the chain (DELRULE with no handle).
    public mutating func flushChain(table: TableRef, name: String) { operations.append(.flushChain(table, name)) }

    /// Creates the set with its elements.
    public mutating func addSet(table: TableRef, set: NamedSet) { operations.append(.addSet(table, set)) }

    public mutating func deleteSet(table: TableRef, name: String) { operations.append(.deleteSet(table, name)) }

    /// Adds elements to an existing set (its name, key type and interval flag are used).
    public mutating func addElements(table: TableRef, set: NamedSet, elements: [SetElement]) {
        operations.append(.addElements(table, set, elements))
    }

    public mutating func deleteElements(table: TableRef, set: NamedSet, elements: [SetElement]) {
        operations.append(.deleteElements(table, set, elements))
    }

    /// Returns a local id usable as an anchor (`.afterNew`/`.beforeNew`) for later rules of
    /// the same transaction.
    @discardableResult
    public mutating func addRule(table: TableRef, chain: String, rule: Rule, position: RulePosition) -> Int {
        lastRuleID += 1
        operations.append(.addRule(table, chain: chain, rule, position, id: lastRuleID))
        return lastRuleID
    }

    /// Replaces a rule in place: it keeps its handle and position (NLM_F_REPLACE).
    public mutating func replaceRule(table: TableRef, chain: String, handle: UInt64, rule: Rule) {
        operations.append(.replaceRule(table, chain: chain, handle: handle, rule))
    }

    public mutating func deleteRule(table: TableRef, chain: String, handle: UInt64) {
        operations.append(.deleteRule(table, chain: chain, handle: handle))
    }

    public var isEmpty: Bool { operations.isEmpty }

    /// Number of operations recorded so far; a refusal's `NetlinkError.operationIndex`
    /// counts in the same order.
    public var operationCount: Int { operations.count }

    /// Number of nf_tables messages the batch will carry (without BATCH_BEGIN/END):
    /// anonymous sets and large element lists take extra messages.
    public var messageCount: Int {
        operations.reduce(0) { n, op in
            switch op {
            case .addSet(_, let s):
                return n + 1 + SetMessages.chunkCount(SetMessages.kernelElements(s, s.elements, adding: true).count)
            case .addElements(_, let s, let e):
                return n + SetMessages.chunkCount(SetMessages.kernelElements(s, e, adding: true).count)
            case .deleteElements(_, let s, let e):
                return n + SetMessages.chunkCount(SetMessages.kernelElements(s, e, adding: false).count)
            case .addRule(_, _, let r, _, _), .replaceRule(_, _, _, let r):
                return n + 1 + 2 * r.expressions.filter(\.needsAnonymousSet).count
            default:
                return n + 1
            }
        }
    }
}

extension Expression {
    /// Whether nft lowers this expression with an anonymous set.
    var needsAnonymousSet: Bool {
        switch self {
        case .address(_, _, .anonymousSet), .port(_, _, .anonymousSet): true
        case .icmpType(_, let types): types.count > 1
        default: false
        }
    }
}
