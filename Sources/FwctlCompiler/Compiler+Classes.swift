import Dispatch
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Synchronization

extension Compiler {
    /// Every host's ruleset, in the fleet's host order, each distinct table built once.
    ///
    /// A host's table is a function of the flows naming it on each side and of the address
    /// families it has (the peers' sets are the fleet's, not the host's), and with `forward =
    /// policy` of its own addresses too: see `TableBuilder`.
    /// Hosts that play the same roles, have the same families and are not named by a flow
    /// one by one therefore get equal tables; they share one (same storage), so 100,000 hosts
    /// in 100 roles cost about 100 compilations and 100 tables of memory.
    public func compileAll() -> [(host: String, ruleset: Ruleset)] {
        let classes = compileClasses()
        return fleet.hosts.indices.map { (fleet.hosts[$0].name, classes.rulesets[classes.of[$0]]) }
    }

    /// `compileAll` by class: each host's class (in the fleet's host order) and each class's
    /// ruleset, for work done once per class (the audit's per-class sections).
    public func compileClasses() -> (of: [Int], rulesets: [Ruleset]) {
        let (classOf, firsts) = tableClasses()
        let built = Mutex([Ruleset?](repeating: nil, count: firsts.count))
        DispatchQueue.concurrentPerform(iterations: firsts.count) { c in
            let ruleset = Ruleset(tables: [table(for: fleet.hosts[firsts[c]])])
            built.withLock { $0[c] = ruleset }
        }
        return (classOf, built.withLock { $0.map { $0! } })
    }

    /// Each host's class (hosts of one class compile to equal tables) and each class's first host.
    func tableClasses() -> (of: [Int], firsts: [Int]) {
        var named = Set<String>()
        for flow in fleet.flows {
            for case .host(let h) in flow.sources + flow.destinations { named.insert(h) }
        }
        // The forward chain of `forward = policy` names the host's own addresses (`self_v4`).
        let ownAddresses = fleet.defaults.forward == .policy
        var classes: [TableKey: Int] = [:]
        var of: [Int] = [], firsts: [Int] = []
        of.reserveCapacity(fleet.hosts.count)
        for (i, host) in fleet.hosts.enumerated() {
            let key = TableKey(roles: Set(host.roles), v4: !host.addresses.isEmpty(.v4), v6: !host.addresses.isEmpty(.v6),
                               named: named.contains(host.name) ? host.name : nil, own: ownAddresses ? host.addresses : nil)
            if let c = classes[key] { of.append(c); continue }
            classes[key] = firsts.count
            of.append(firsts.count)
            firsts.append(i)
        }
        return (of, firsts)
    }
}

/// What a host's table depends on: the roles it plays (which flows name it), its address
/// families, its name when a flow names the host itself, and its addresses when its table
/// holds them (`forward = policy`).
private struct TableKey: Hashable {
    var roles: Set<String>
    var v4: Bool
    var v6: Bool
    var named: String?
    var own: AddressSet?
}
