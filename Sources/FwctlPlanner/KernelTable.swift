#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FwctlRuleset

/// One table in the in-memory kernel, with the table's handle counter: the kernel numbers
/// the sets (anonymous ones too), chains and rules of a table from one counter that never
/// goes back.
struct KernelTable {
    var table: Table
    private var lastHandle: UInt64 = 0
    /// Set for a batch the real kernel already committed (`Plan.outcome`): the element checks
    /// (a sort of every set an element goes into) can only agree, so they are skipped.
    var committed = false

    init(table: Table) {
        self.table = table
        lastHandle = Self.highestHandle(in: table)
    }

    private static func highestHandle(in t: Table) -> UInt64 {
        let handles = t.sets.map(\.handle) + t.chains.map(\.handle) + t.chains.flatMap { $0.rules.map(\.handle) }
        return handles.compactMap { $0 }.max() ?? 0
    }

    private mutating func nextHandle() -> UInt64 {
        lastHandle += 1
        return lastHandle
    }

    /// Gives every object without a handle the next one, in listing order.
    mutating func assignMissingHandles() {
        lastHandle = max(lastHandle, Self.highestHandle(in: table))
        for i in table.sets.indices where table.sets[i].handle == nil { table.sets[i].handle = nextHandle() }
        for i in table.chains.indices {
            if table.chains[i].handle == nil { table.chains[i].handle = nextHandle() }
            for j in table.chains[i].rules.indices where table.chains[i].rules[j].handle == nil {
                for _ in 0..<table.chains[i].rules[j].anonymousSetCount { _ = nextHandle() }
                table.chains[i].rules[j].handle = nextHandle()
            }
        }
    }

    mutating func apply(_ change: Change, batch: inout Batch) throws {
        switch change {
        case .createTable(let ref):
            throw Refusal(EEXIST, "table \(ref) already exists")
        case .changeTableFlags(_, let to):
            table.flags = to
        case .deleteObject(let object):
            guard let i = table.objects.firstIndex(of: object) else { throw Refusal(ENOENT, "\(object) does not exist") }
            table.objects.remove(at: i)
        case .addSet(var set):
            guard table.set(named: set.name) == nil else { throw Refusal(EEXIST, "set \(set.name) already exists") }
            if !committed {
                try SetElementRules.check(set.elements, against: [], of: set)
                try checkJumps(of: set.elements)
            }
            set.elements.sort(by: SetElement.ascending)
            set.extras = []   // NEWSET as fwctl encodes it carries none of them
            set.handle = nextHandle()
            table.sets.append(set)
        case .deleteSet(let name, _):
            guard let i = table.sets.firstIndex(where: { $0.name == name }) else { throw Refusal(ENOENT, "set \(name) does not exist") }
            if let user = firstRule(where: { $0.referencedSets.contains(name) }) {
                throw Refusal(EBUSY, "set \(name) is used by rule \(user.handle.map(String.init) ?? "?") of chain \(user.chain)")
            }
            table.sets.remove(at: i)
        case .addElements(let name, let keyType, let elements):
            let i = try setIndex(name, keyType: keyType)
            try checkChangeable(table.sets[i], adding: elements.count)
            if !committed {
                try SetElementRules.check(elements, against: table.sets[i].elements, of: table.sets[i])
                try checkJumps(of: elements)
            }
            table.sets[i].elements = (table.sets[i].elements + elements).sorted(by: SetElement.ascending)
            try checkNoJumpLoop(if: elements.contains { $0.jumpTarget != nil })
        case .removeElements(let name, let keyType, let elements):
            let i = try setIndex(name, keyType: keyType)
            try checkChangeable(table.sets[i], adding: 0)
            var present = Set(table.sets[i].elements)
            for e in elements {
                guard present.remove(e) != nil else { throw Refusal(ENOENT, "set \(name) has no element \(e.text)") }
            }
            table.sets[i].elements.removeAll { !present.contains($0) }
        case .addChain(var chain):
            guard table.chain(named: chain.name) == nil else { throw Refusal(EEXIST, "chain \(chain.name) already exists") }
            guard chain.rules.isEmpty else { throw Refusal(EINVAL, "a chain is created empty; its rules come as separate changes") }
            chain.handle = nextHandle()
            table.chains.append(chain)
        case .changeChainPolicy(let name, _, let to):
            let i = try chainIndex(name)
            guard table.chains[i].hook != nil else { throw Refusal(EOPNOTSUPP, "chain \(name) is not a base chain and has no policy") }
            table.chains[i].hook?.policy = to
        case .deleteChain(let name):
            let i = try chainIndex(name)
            guard table.chains[i].rules.isEmpty else { throw Refusal(EBUSY, "chain \(name) still holds \(table.chains[i].rules.count) rule(s)") }
            if let user = jumper(to: name) { throw Refusal(EBUSY, "chain \(name) is jumped to by \(user)") }
            table.chains.remove(at: i)
        case .addRule(let chain, var rule, let position, let id):
            let i = try chainIndex(chain)
            try checkRule(rule)
            guard batch.newRules[id] == nil else { throw Refusal(EINVAL, "rule id \(id) used twice in one batch") }
            let at = try index(of: position, in: i, batch: batch)
            for _ in 0..<rule.anonymousSetCount { _ = nextHandle() }
            rule.handle = nextHandle()
            table.chains[i].rules.insert(rule, at: at)
            batch.newRules[id] = (chain, rule.handle!)
            try checkNoJumpLoop(if: rule.canJump)
        case .replaceRule(let chain, let handle, _, var rule):
            // The rule keeps its handle; only anonymous sets of the new one take handles.
            let i = try chainIndex(chain)
            guard let j = table.chains[i].rules.firstIndex(where: { $0.handle == handle }) else {
                throw Refusal(ENOENT, "chain \(chain) has no rule with handle \(handle)")
            }
            try checkRule(rule)
            for _ in 0..<rule.anonymousSetCount { _ = nextHandle() }
            rule.handle = handle
            table.chains[i].rules[j] = rule
            try checkNoJumpLoop(if: rule.canJump)
        case .deleteRule(let chain, let handle, _):
            let i = try chainIndex(chain)
            guard let j = table.chains[i].rules.firstIndex(where: { $0.handle == handle }) else {
                throw Refusal(ENOENT, "chain \(chain) has no rule with handle \(handle)")
            }
            table.chains[i].rules.remove(at: j)
        }
    }

    private func setIndex(_ name: String, keyType: SetKeyType) throws -> Int {
        guard let i = table.sets.firstIndex(where: { $0.name == name }) else { throw Refusal(ENOENT, "set \(name) does not exist") }
        guard table.sets[i].keyType == keyType else {
            throw Refusal(EINVAL, "set \(name) holds \(table.sets[i].keyType.rawValue), not \(keyType.rawValue)")
        }
        return i
    }

    /// What the kernel answers element changes of a set fwctl did not shape: a `constant`
    /// set's elements are fixed once a rule uses it (EBUSY), and a set is full at its `size`
    /// (ENFILE).
    private func checkChangeable(_ set: NamedSet, adding count: Int) throws {
        if set.extras.contains("flags constant"), let user = firstRule(where: { $0.referencedSets.contains(set.name) }) {
            throw Refusal(EBUSY, "set \(set.name) is constant and used by rule \(user.handle.map(String.init) ?? "?") of chain \(user.chain)")
        }
        if let size = set.extras.lazy.compactMap({ $0.hasPrefix("size ") ? Int($0.dropFirst(5)) : nil }).first,
           set.elements.count + count > size {
            throw Refusal(ENFILE, "set \(set.name) is full (size \(size))")
        }
    }

    private func chainIndex(_ name: String) throws -> Int {
        guard let i = table.chains.firstIndex(where: { $0.name == name }) else { throw Refusal(ENOENT, "chain \(name) does not exist") }
        return i
    }

    func firstRule(where predicate: (Rule) -> Bool) -> (chain: String, handle: UInt64?)? {
        for c in table.chains {
            if let r = c.rules.first(where: predicate) { return (c.name, r.handle) }
        }
        return nil
    }

    /// What NEWRULE checks: everything it refers to exists and fits, and it can be encoded.
    private func checkRule(_ rule: Rule) throws {
        if rule.hasUnknownExpression { throw Refusal(EINVAL, "rule holds an expression fwctl cannot encode") }
        // NFTA_RULE_USERDATA is at most 256 bytes: type, length, text and its NUL.
        if let c = rule.comment, c.utf8.count + 3 > 256 { throw Refusal(EINVAL, "rule comment longer than 253 bytes") }
        try checkMaps(of: rule)
        for e in rule.expressions {
            guard let (family, name) = e.addressSetLookup else { continue }
            guard let set = table.set(named: name) else { throw Refusal(ENOENT, "rule refers to missing set \(name)") }
            guard set.keyType.family == family else {
                throw Refusal(EINVAL, "set \(name) holds \(set.keyType.rawValue), not \(family.nftKeyword) addresses")
            }
        }
        try checkJumps(to: rule.jumpTargets, from: "rule")
    }

    /// The index a new rule goes to in chain `c`.
    private func index(of position: RuleAnchor, in c: Int, batch: Batch) throws -> Int {
        let rules = table.chains[c].rules
        let name = table.chains[c].name
        func find(_ handle: UInt64) throws -> Int {
            guard let j = rules.firstIndex(where: { $0.handle == handle }) else {
                throw Refusal(ENOENT, "chain \(name) has no rule with handle \(handle)")
            }
            return j
        }
        switch position {
        case .top: return 0
        case .append: return rules.count
        case .afterHandle(let h): return try find(h) + 1
        case .beforeHandle(let h): return try find(h)
        case .afterNew(let id):
            // The kernel looks the id up among this batch's rules of the same chain.
            guard let new = batch.newRules[id], new.chain == name else {
                throw Refusal(ENOENT, "no rule with id \(id) was added to chain \(name) in this batch")
            }
            return try find(new.handle) + 1
        }
    }
}
