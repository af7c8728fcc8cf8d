import FwctlPolicy

extension PolicyTestRunner {
    /// The failure checking every pair of ends in order finds first, with one check per pair
    /// of groups (`TestHostGroups`) instead of per pair of hosts: 1,000 × 1,000 hosts of two
    /// roles are one check. The failure itself is worked out on the very pair of hosts the
    /// pair-by-pair search stops at, so it names the same hosts, addresses and rules.
    func firstFailure(_ kind: Expectation.Kind, _ sources: [Reachability.End], _ destinations: [Reachability.End],
                      _ probes: [ServiceProbe], _ groups: TestHostGroups) -> ExpectationFailure? {
        func group(_ end: Reachability.End, _ position: Int) -> Int {
            if case .host(let h) = end, let i = model.hostIndex[h] { return groups.of[i] }
            return -1 - position   // a network, literal addresses or unknown host: on its own
        }
        // Per destination group, in the order it first appears: its first position, and the
        // first position of another host (the first one may be the source itself).
        var firsts: [Int: (first: Int, other: Int?)] = [:], order: [Int] = []
        var position: [String: Int] = [:]
        for (j, d) in destinations.enumerated() {
            if case .host(let h) = d, position[h] == nil { position[h] = j }
            let g = group(d, j)
            if let f = firsts[g] {
                if f.other == nil && !sameHost(destinations[f.first], d) { firsts[g]!.other = j }
            } else {
                firsts[g] = (j, nil)
                order.append(g)
            }
        }
        var failing: [Int: [Int]] = [:]
        for (i, s) in sources.enumerated() {
            let sg = group(s, i)
            // Any member stands for its group on either side, even the source for its own
            // group: the check looks at pieces and classes, not at which host it is.
            let bad = failing[sg] ?? order.filter { check(kind, s, destinations[firsts[$0]!.first], probes) != nil }
            failing[sg] = bad
            var best: Int? = nil
            if kind == .deny, case .host(let h) = s, let p = position[h], loopbackFailure(s, probes) != nil { best = p }
            for g in bad {
                let f = firsts[g]!
                guard let p = sameHost(destinations[f.first], s) ? f.other : f.first else { continue }
                if best.map({ p < $0 }) ?? true { best = p }
            }
            guard let best else { continue }
            let d = destinations[best]
            if sameHost(s, d) { return loopbackFailure(s, probes) }
            if let failure = check(kind, s, d, probes) { return failure }
            assertionFailure("hosts grouped alike gave different answers: \(s) -> \(d)")
            return firstFailure(kind, sources, destinations, probes)
        }
        return nil
    }
}
