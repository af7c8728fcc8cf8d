import FwctlNet
import FwctlRuleset

// What the planner and the in-memory kernel need to know about the model beyond what it
// stores: which objects a rule depends on, and when two tables hold the same thing.

extension Table {
    /// The table without kernel state: no handles, no counter values. What the table's
    /// hashes and fingerprints are computed from, so two reads of one table hash alike.
    public var withoutKernelState: Table {
        var t = self
        t.handle = nil
        for i in t.sets.indices { t.sets[i].handle = nil }
        for i in t.chains.indices {
            t.chains[i].handle = nil
            for j in t.chains[i].rules.indices {
                t.chains[i].rules[j].handle = nil
                t.chains[i].rules[j].expressions = t.chains[i].rules[j].expressions.map(\.withoutState)
            }
        }
        return t
    }
}

extension Rule {
    /// Named sets and maps the rule looks up (`ip saddr @role_web_v4`, `meta l4proto . th
    /// dport vmap @in_ports`). The kernel refuses to delete a set while a rule uses it, and
    /// refuses a rule whose set does not exist.
    public var referencedSets: Set<String> {
        var names: Set<String> = []
        for e in expressions {
            if let lookup = e.addressSetLookup { names.insert(lookup.set) }
            if case .dispatch(let name) = e { names.insert(name) }
        }
        return names
    }

    /// Chains the rule itself jumps or goes to (those a map it looks up jumps to are the
    /// map's: `NamedSet.jumpTargets`). The kernel refuses to delete a chain still jumped to.
    public var jumpTargets: Set<String> {
        var names: Set<String> = []
        for e in expressions {
            switch e {
            case .verdict(.jump(let c)), .verdict(.goto(let c)): names.insert(c)
            default: break
            }
        }
        return names
    }

    /// How many anonymous sets the rule is sent with (`tcp dport { 80, 443 }`, `ip saddr
    /// { a, b }`, `icmp type { a, b }`): each is a set of the table and takes a handle
    /// from the table's counter just before the rule does.
    public var anonymousSetCount: Int {
        expressions.reduce(0) { n, e in
            switch e {
            case .address(_, _, .anonymousSet), .port(_, _, .anonymousSet): n + 1
            case .icmpType(_, let types): n + (types.count > 1 ? 1 : 0)
            default: n
            }
        }
    }

    /// True when the rule holds something fwctl does not generate: it cannot be re-encoded,
    /// so it is drift that a plan removes.
    public var hasUnknownExpression: Bool {
        expressions.contains { if case .unknown = $0 { true } else { false } }
    }
}

extension Table {
    /// Equality of what the table does and says, ignoring kernel state: handles, counter
    /// values, and the order of sets and chains (the kernel lists them in creation order, so
    /// a chain re-created by a plan moves to the end without meaning anything). Rule order
    /// inside a chain and element membership do count, and so do the table's flags and the
    /// objects fwctl does not model. The comment is the ownership mark, checked on its own
    /// (`Ownership`).
    public func sameContent(as other: Table) -> Bool {
        guard ref == other.ref, flags == other.flags, Set(objects) == Set(other.objects), sets.count == other.sets.count, chains.count == other.chains.count else { return false }
        for s in sets {
            guard let o = other.set(named: s.name), s.sameContent(as: o) else { return false }
        }
        for c in chains {
            guard let o = other.chain(named: c.name), c.sameContent(as: o) else { return false }
        }
        return true
    }
}

extension NamedSet {
    /// Same header (what the kernel cannot change in place) ignoring elements and handle.
    func sameHeader(as other: NamedSet) -> Bool {
        name == other.name && keyType == other.keyType && isInterval == other.isInterval && comment == other.comment
            && extras == other.extras
    }

    /// Same header and the same elements in any order.
    public func sameContent(as other: NamedSet) -> Bool {
        sameHeader(as: other) && Set(elements) == Set(other.elements) && elements.count == other.elements.count
    }

    /// Chains the map's elements jump or go to: the kernel counts each as a use of the
    /// chain, like a rule's jump, and refuses to delete the chain while one is there.
    public var jumpTargets: Set<String> { Set(elements.compactMap(\.jumpTarget)) }
}

extension SetElement {
    /// The chain a verdict map's element jumps or goes to.
    public var jumpTarget: String? {
        switch self {
        case .dispatch(_, _, .jump(let c)), .dispatch(_, _, .goto(let c)): c
        default: nil
        }
    }
}

extension Chain {
    /// Same name, hook, policy and comment: the chain's header, ignoring rules and handle.
    func sameHeader(as other: Chain) -> Bool {
        name == other.name && hook == other.hook && comment == other.comment
    }

    /// Same header and the same rules in the same order, by `Rule.sameContent`.
    public func sameContent(as other: Chain) -> Bool {
        sameHeader(as: other) && rules.count == other.rules.count
            && zip(rules, other.rules).allSatisfy { $0.sameContent(as: $1) }
    }

    /// The header alone, as `Change.addChain` carries it.
    var header: Chain {
        Chain(name: name, hook: hook, rules: [], comment: comment)
    }
}

extension SetElement {
    /// Ascending order as the kernel lists an interval set: by family, then by range.
    static func ascending(_ a: SetElement, _ b: SetElement) -> Bool {
        switch (a, b) {
        case (.address(let x), .address(let y)): (x.lower, x.upper) < (y.lower, y.upper)
        case (.port(let x), .port(let y)): x < y
        case (.proto(let x), .proto(let y)): x < y
        case (.dispatch(let p, let x, _), .dispatch(let q, let y, _)): (p, x) < (q, y)
        default: a.kindRank < b.kindRank
        }
    }

    private var kindRank: Int {
        switch self {
        case .address: 0
        case .port: 1
        case .proto: 2
        case .dispatch: 3
        }
    }
}
