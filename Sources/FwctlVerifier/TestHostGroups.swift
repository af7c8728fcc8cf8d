import FwctlEvaluator
import FwctlNet

/// Hosts the policy tests may take for one another: every check between two ends gives the
/// same answer for any member of a group in place of another.
///
/// A check looks at the two hosts' chains (their ruleset class), at the families they have,
/// and at the address pieces of every chain its addresses fall in (which rules match them,
/// hence what is admitted and which rule decides). Hosts equal in ruleset class and families
/// whose addresses, all of them together, lie between two consecutive piece boundaries of
/// every chain of the fleet fall in the same piece of each: they form a group. Other hosts are
/// groups of one, so the answer stays exact whatever the addresses; grouping only saves work.
struct TestHostGroups: Sendable {
    /// Per host of the model, its group.
    let of: [Int]
    /// How many groups there are.
    let count: Int

    init(model: FleetModel) {
        let families = IPFamily.allCases
        // Every piece boundary of every chain, per family, each ruleset class looked at once.
        var cuts: [[UInt128]] = [[], []]
        var seen = Set<Int>()
        for (h, c) in model.rulesetClass.enumerated() {
            // A forward view depends on the host's own addresses: every host's is looked at.
            let chains = seen.insert(c).inserted ? [model.hosts[h].input, model.hosts[h].output, model.hosts[h].forwarded]
                                                  : [model.hosts[h].forwarded]
            for analysis in chains.compactMap({ $0 }) {
                for (fi, family) in families.enumerated() { cuts[fi] += analysis.addressCuts(family) }
            }
        }
        let bounds = cuts.map { Array(Set($0)).sorted() }
        var members: [Key: [Int]] = [:], order: [Key] = []
        var spans: [[Spans<UInt128>]] = [[], []]
        for (h, host) in model.hosts.enumerated() {
            for fi in 0..<2 { spans[fi].append(families[fi].wide(host.addresses)) }
            // A forward chain (`forward = policy`) is seen through the host's own addresses, so
            // such a host is a group of its own whatever its ruleset class.
            let key = Key(rulesetClass: model.rulesetClass[h], v4: !spans[0][h].isEmpty, v6: !spans[1][h].isEmpty,
                          alone: host.forwarded != nil ? h : nil)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(h)
        }
        var of = [Int](repeating: 0, count: model.hosts.count), count = 0
        for key in order {
            let hosts = members[key]!
            let together = (0..<2).allSatisfy { fi in
                let lo = hosts.compactMap { spans[fi][$0].lowest }.min(), hi = hosts.compactMap { spans[fi][$0].ranges.last?.upperBound }.max()
                guard let lo, let hi else { return true }
                return Self.noBoundary(in: bounds[fi], above: lo, upTo: hi)
            }
            if together {
                for h in hosts { of[h] = count }
                count += 1
            } else {
                for h in hosts { of[h] = count; count += 1 }
            }
        }
        self.of = of
        self.count = count
    }

    /// No piece starts in `lo+1 ... hi` (binary search in the sorted boundaries).
    static func noBoundary(in bounds: [UInt128], above lo: UInt128, upTo hi: UInt128) -> Bool {
        var a = 0, b = bounds.count
        while a < b {
            let m = (a + b) / 2
            if bounds[m] <= lo { a = m + 1 } else { b = m }
        }
        return a == bounds.count || bounds[a] > hi
    }

    private struct Key: Hashable {
        var rulesetClass: Int
        var v4: Bool
        var v6: Bool
        var alone: Int?
    }
}
