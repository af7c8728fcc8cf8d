import FwctlRuleset

extension Plan {
    /// True when `other` makes the same changes to the same table, in the same order: what a
    /// saved plan must be to be applied. Kernel state that does not change what a change
    /// does is left out: the counter values carried by the rules a change removes or
    /// replaces (they move with every packet) and the order of a set change's elements (a
    /// read lists them as the kernel or the record holds them). The generation is compared
    /// by whoever needs it.
    public func sameChanges(as other: Plan) -> Bool {
        table == other.table && changes.count == other.changes.count
            && zip(changes, other.changes).allSatisfy { $0.sameChange(as: $1) }
    }
}

extension Change {
    func sameChange(as other: Change) -> Bool {
        switch (self, other) {
        case (.addElements(let s, let k, let e), .addElements(let s2, let k2, let e2)),
             (.removeElements(let s, let k, let e), .removeElements(let s2, let k2, let e2)):
            return s == s2 && k == k2 && e.count == e2.count && Set(e) == Set(e2)
        default:
            return withoutCounters == other.withoutCounters
        }
    }

    /// The change with its rules' counter values zeroed.
    var withoutCounters: Change {
        func bare(_ r: Rule) -> Rule { var r = r; r.expressions = r.expressions.map(\.withoutState); return r }
        switch self {
        case .addRule(let chain, let rule, let position, let id): return .addRule(chain: chain, rule: bare(rule), position: position, id: id)
        case .deleteRule(let chain, let handle, let rule): return .deleteRule(chain: chain, handle: handle, rule: bare(rule))
        case .replaceRule(let chain, let handle, let from, let to): return .replaceRule(chain: chain, handle: handle, from: bare(from), to: bare(to))
        // Anything else is compared exactly (a case added later included: at worst a saved
        // plan is called stale when only a counter moved).
        default: return self
        }
    }
}
