import FwctlEvaluator
import FwctlNet

extension MatrixBuilder {
    /// Hosts the matrix counts together: a pair's state (what both chains admit of a probe)
    /// depends on the two ruleset classes and on the admission entries each address meets, and
    /// a cell's count on the hosts' roles and families. Hosts equal in roles, ruleset class and
    /// families whose addresses together lie wholly inside or wholly outside the peers of every
    /// entry of every chain meet the same entries, so every pair of them (and of them with
    /// another group) is in the same state: a group stands for its `size` hosts, and a pair of
    /// groups for `size·size` pairs (`size·(size−1)` with itself). Other hosts are groups of one.
    struct HostGroups {
        /// Per host, its group.
        var of: [Int]
        /// Per group, the host that stands for it, and how many hosts it has.
        var reps: [Int] = []
        var sizes: [Int] = []

        init(model: FleetModel, hostRoles: [[Int]], wide: [[Spans<UInt128>]], alike: Bool) {
            of = [Int](repeating: 0, count: model.hosts.count)
            var members: [Key: [Int]] = [:], order: [Key] = []
            for h in model.hosts.indices {
                let key = Key(roles: hostRoles[h], rulesetClass: model.rulesetClass[h], v4: !wide[0][h].isEmpty, v6: !wide[1][h].isEmpty)
                if members[key] == nil { order.append(key) }
                members[key, default: []].append(h)
            }
            // Every distinct entry's peers, per family, each ruleset class looked at once.
            var peers: [Set<[ClosedRange<UInt128>]>] = [[], []]
            var seen = Set<Int>()
            for (h, c) in model.rulesetClass.enumerated() where seen.insert(c).inserted {
                for index in [model.hosts[h].inputIndex, model.hosts[h].outputIndex] {
                    for (fi, f) in IPFamily.allCases.enumerated() {
                        let family = index.family(f)
                        for list in family.named.values { for e in list { peers[fi].insert(e.peers.ranges) } }
                        for e in family.unnamed { peers[fi].insert(e.peers.ranges) }
                    }
                }
            }
            let entries = peers.map { $0.map { Spans<UInt128>(sorted: $0) } }
            for key in order {
                let hosts = members[key]!
                let uniform = alike && hosts.count > 1 && (0..<2).allSatisfy { fi in
                    let together = Spans<UInt128>(unsorted: hosts.flatMap { wide[fi][$0].ranges })
                    return entries[fi].allSatisfy { $0.isSuperset(of: together) || !$0.intersects(together) }
                }
                if uniform {
                    for h in hosts { of[h] = reps.count }
                    reps.append(hosts[0])
                    sizes.append(hosts.count)
                } else {
                    for h in hosts {
                        of[h] = reps.count
                        reps.append(h)
                        sizes.append(1)
                    }
                }
            }
        }

        /// Host pairs a pair of groups stands for (a host is never paired with itself).
        func pairs(_ a: Int, _ b: Int) -> Int { a == b ? sizes[a] * (sizes[a] - 1) : sizes[a] * sizes[b] }

        private struct Key: Hashable {
            var roles: [Int]
            var rulesetClass: Int
            var v4: Bool
            var v6: Bool
        }
    }
}
