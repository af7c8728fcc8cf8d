import FwctlNet
import FwctlRuleset

/// Computes plans: the smallest correct set of changes turning the kernel's table into the
/// compiled one. Pure: it reads two values and returns a third.
public enum Planner {
    /// The smallest correct change set turning `current` (`nil` = the table is absent) into
    /// `desired`, ordered so that the whole plan is valid as one atomic batch.
    ///
    /// - Set membership changes touch only elements; a set whose key type, flags or comment
    ///   changed is deleted and re-added, with the rules using it deleted first and re-added.
    /// - A chain whose hook, type, priority or comment changed is re-created the same way; a
    ///   policy change alone is made in place.
    /// - Rules are matched by their expressions along a longest common subsequence, so
    ///   unchanged rules keep their handles and counters; a matched rule whose comment (its
    ///   policy line) changed is replaced in place with its counter values carried over;
    ///   rules holding something fwctl does not generate (`Expression.unknown`) are drift
    ///   and removed.
    /// - Whatever else the kernel's table holds that fwctl does not generate is drift too:
    ///   table flags are cleared in place, objects fwctl does not model are deleted, and a
    ///   set with attributes fwctl never sets (`NamedSet.extras`) is re-created without them.
    ///
    /// Whether fwctl may change `current` at all is `Ownership.check`'s question, asked
    /// before planning (`RulesetBackend.readAndPlan`).
    ///
    /// `current` must be the same table as `desired` (same family and name) and carry the
    /// kernel's rule handles, as `RulesetBackend.read` returns it.
    public static func plan(current: Table?, desired: Table, generation: UInt32?) -> Plan {
        precondition(current.map { $0.ref == desired.ref } ?? true, "current and desired must be the same table")
        var changes: [Change] = []
        // An absent table is an empty one plus its creation: one code path for both cases.
        let base: Table
        if let current {
            base = current
            if current.flags != desired.flags { changes.append(.changeTableFlags(from: current.flags, to: desired.flags)) }
        } else {
            changes.append(.createTable(desired.ref))
            base = Table(family: desired.family, name: desired.name)
        }
        changes += Diff(current: base, desired: desired).changes()
        return Plan(table: desired.ref, generation: generation, changes: changes)
    }
}

/// One diff between two versions of the same table.
struct Diff {
    let current: Table
    let desired: Table
    /// Sets that cannot stay as they are: gone from the policy, or with a new header.
    let goneSets: Set<String>
    /// Chains that cannot stay: gone from the policy, or with a header the kernel cannot update.
    let goneChains: Set<String>

    init(current: Table, desired: Table) {
        self.current = current
        self.desired = desired
        var goneSets: Set<String> = []
        for s in current.sets {
            if let d = desired.set(named: s.name), d.sameHeader(as: s) { continue }
            goneSets.insert(s.name)
        }
        var goneChains: Set<String> = []
        for c in current.chains {
            if let d = desired.chain(named: c.name), Self.canUpdate(c, to: d) { continue }
            goneChains.insert(c.name)
        }
        self.goneSets = goneSets
        self.goneChains = goneChains
    }

    /// The kernel updates a base chain's policy in place (NEWCHAIN on an existing chain);
    /// its type, hook, priority and comment only by deleting and re-creating it.
    static func canUpdate(_ c: Chain, to d: Chain) -> Bool {
        guard c.name == d.name, c.comment == d.comment else { return false }
        switch (c.hook, d.hook) {
        case (nil, nil): return true
        case (let a?, let b?): return a.type == b.type && a.hook == b.hook && a.priority == b.priority
        default: return false
        }
    }

    /// The changes, ordered for one valid batch: rules go before the sets and chains they
    /// use are deleted; sets and chains exist before the rules that use them are added.
    func changes() -> [Change] {
        let rules = RuleDiff(diff: self).changes()
        // Maps go before chains: a verdict map's elements may jump to a chain being deleted.
        // A dispatch map's elements jump to chains: they go before those chains are deleted
        // and come after those chains are added (a new map is created empty).
        let maps = elementChanges(maps: true)
        return rules.deletions + objectDeletions() + maps.removed + setDeletions(maps: true) + chainDeletions() + setDeletions(maps: false)
            + setAdditions() + elementChanges(maps: false).all + chainAdditions() + policyChanges() + maps.added
            + rules.replacements + rules.additions
    }

    private func setDeletions(maps: Bool) -> [Change] {
        current.sets.filter { goneSets.contains($0.name) && $0.isVerdictMap == maps }.map { .deleteSet(name: $0.name, drift: $0.extras) }
    }

    /// Objects fwctl does not model, after the rules that might use them: maps and sets
    /// first (a map may refer to stateful objects), then flowtables, then stateful objects.
    private func objectDeletions() -> [Change] {
        func rank(_ o: TableObject) -> Int {
            switch o.kind {
            case .set, .map: 0
            case .flowtable: 1
            case .object: 2
            }
        }
        let wanted = Set(desired.objects)
        return current.objects.filter { !wanted.contains($0) }.enumerated()
            .sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map { .deleteObject($0.element) }
    }

    private func setAdditions() -> [Change] {
        desired.sets.filter(isNew).map {
            var s = $0
            s.handle = nil
            if s.isVerdictMap { s.elements = [] }   // its elements follow the chains they jump to
            return .addSet(s)
        }
    }

    private func isNew(_ set: NamedSet) -> Bool { current.set(named: set.name) == nil || goneSets.contains(set.name) }

    /// Exact element differences of the sets that stay: a range that changed is its old
    /// self removed and its new self added, as the kernel matches elements exactly. Removals
    /// come first so a changed range never overlaps its old self inside the batch.
    private func elementChanges(maps: Bool) -> (removed: [Change], added: [Change], all: [Change]) {
        var removals: [Change] = [], additions: [Change] = [], all: [Change] = []
        for d in desired.sets where d.isVerdictMap == maps {
            let c = isNew(d) ? nil : current.set(named: d.name)
            guard c != nil || d.isVerdictMap else { continue }
            // A new map's elements are all additions (see `setAdditions`).
            var (removed, added) = c.map { ElementDiff.difference(current: $0.elements, desired: d.elements) } ?? ([], d.elements)
            // An element jumping to a chain being re-created holds that chain: it goes before
            // the chain does and comes back after, even when it does not change.
            if let c, d.isVerdictMap {
                let held = c.elements.filter { e in e.jumpTarget.map(goneChains.contains) == true && !removed.contains(e) }
                removed += held
                added += held
            }
            if !removed.isEmpty {
                removals.append(.removeElements(set: d.name, keyType: d.keyType, elements: removed))
                all.append(removals.last!)
            }
            if !added.isEmpty {
                additions.append(.addElements(set: d.name, keyType: d.keyType, elements: added))
                all.append(additions.last!)
            }
        }
        return (removals, additions, all)
    }

    private func chainDeletions() -> [Change] {
        current.chains.filter { goneChains.contains($0.name) }.map { .deleteChain(name: $0.name) }
    }

    private func chainAdditions() -> [Change] {
        desired.chains.filter { current.chain(named: $0.name) == nil || goneChains.contains($0.name) }
            .map { .addChain($0.header) }
    }

    private func policyChanges() -> [Change] {
        var out: [Change] = []
        for d in desired.chains where !goneChains.contains(d.name) {
            guard let c = current.chain(named: d.name), let from = c.hook?.policy, let to = d.hook?.policy, from != to
            else { continue }
            out.append(.changeChainPolicy(chain: d.name, from: from, to: to))
        }
        return out
    }
}
