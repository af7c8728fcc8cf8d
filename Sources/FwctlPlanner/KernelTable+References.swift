#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FwctlRuleset

// What the in-memory kernel checks about references between a table's objects. A verdict
// map's element refers to the chain it jumps to just as a rule's jump does (the kernel
// counts both as uses of the chain), and a rule looking a map up refers to the map as a
// rule's set lookup does: every check below treats the two kinds alike.
extension KernelTable {
    /// What jumps or goes to chain `name`: a rule, or an element of a verdict map.
    func jumper(to name: String) -> String? {
        if let user = firstRule(where: { $0.jumpTargets.contains(name) }) {
            return "rule \(user.handle.map(String.init) ?? "?") of chain \(user.chain)"
        }
        for map in table.sets {
            if let e = map.elements.first(where: { $0.jumpTarget == name }) { return "element \(e.text) of map \(map.name)" }
        }
        return nil
    }

    /// What NEWRULE and NEWSETELEM check of a jump: the chain exists and is a regular chain.
    func checkJumps(to targets: Set<String>, from what: String) throws {
        for target in targets.sorted() {
            guard let chain = table.chain(named: target) else { throw Refusal(ENOENT, "\(what) jumps to missing chain \(target)") }
            guard chain.hook == nil else { throw Refusal(EOPNOTSUPP, "\(what) jumps to base chain \(target)") }
        }
    }

    func checkJumps(of elements: [SetElement]) throws {
        for e in elements {
            if let target = e.jumpTarget { try checkJumps(to: [target], from: "element \(e.text)") }
        }
    }

    /// A rule looking a map up needs the map, and a verdict map (a lookup of a plain set
    /// yields no verdict).
    func checkMaps(of rule: Rule) throws {
        for e in rule.expressions {
            guard case .dispatch(let name) = e else { continue }
            guard let map = table.set(named: name) else { throw Refusal(ENOENT, "rule refers to missing map \(name)") }
            guard map.isVerdictMap else { throw Refusal(EINVAL, "set \(name) is not a verdict map") }
        }
    }

    /// The kernel validates the table when a jump arrives, by rule or by map element, and
    /// refuses the change closing a loop (EMLINK on Linux 6.18).
    func checkNoJumpLoop(if jumps: Bool) throws {
        if jumps, let cycle = table.jumpCycle() { throw Refusal(EMLINK, "jumps would loop: \(cycle.joined(separator: " -> "))") }
    }
}

extension Rule {
    /// True when the rule can send the packet to another chain: by its own jump, or through
    /// a verdict map it looks up.
    var canJump: Bool {
        !jumpTargets.isEmpty || expressions.contains { if case .dispatch = $0 { true } else { false } }
    }
}

extension Table {
    /// The chains of a jump loop, if there is one: edges are rules' jumps and the jumps of
    /// the elements of the maps rules look up.
    func jumpCycle() -> [String]? {
        var edges: [String: [String]] = [:]
        for c in chains {
            edges[c.name] = c.rules.flatMap { rule in
                rule.jumpTargets.sorted() + rule.referencedSets.sorted().flatMap { set(named: $0)?.jumpTargets.sorted() ?? [] }
            }
        }
        var done: Set<String> = []
        var path: [String] = []
        func visit(_ name: String) -> [String]? {
            if let start = path.firstIndex(of: name) { return Array(path[start...]) + [name] }
            if done.contains(name) { return nil }
            path.append(name)
            for next in edges[name] ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            done.insert(name)
            return nil
        }
        for c in chains {
            if let cycle = visit(c.name) { return cycle }
        }
        return nil
    }
}
