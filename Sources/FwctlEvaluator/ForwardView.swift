import FwctlNet
import FwctlRuleset

/// A forward chain as NEW connections the client addressed to this host see it (a published
/// container port: DNAT in prerouting rewrote the destination, conntrack kept the original).
///
/// For those packets `ct original ip daddr @S` is true when `S` holds every address of the
/// host of that family (then it is only a family check), and `ct original proto-dst` is the
/// port the client asked for, which is what the evaluators call the destination port. So the
/// view rewrites those two expressions and the evaluators take the chain like an input chain.
/// A rule whose set misses some host address keeps its expression, which the evaluator names
/// as uncertain. The view ends after the rules that provably take every remaining such packet
/// of each family the host has (`ct original ip daddr @self_v4 drop`): what follows is for
/// connections addressed elsewhere (the containers' own traffic), outside this view. Rule
/// indices are the chain's own.
extension Chain {
    public func forwardedToHost(in table: Table, local: AddressSet) -> Chain {
        let families = IPFamily.allCases.filter { !local.isEmpty($0) }
        var covered: Set<IPFamily> = []
        var out = self
        out.rules = []
        for rule in rules {
            var view = rule
            view.expressions = rule.expressions.map { e in
                switch e {
                case .originalDestination(let family, let name) where holdsAll(table.set(named: name), local, family):
                    return .nfproto(family)
                case .originalPort(let proto, let range):
                    return .port(proto: proto, field: .dport, match: .range(range))
                default:
                    return e
                }
            }
            out.rules.append(view)
            if let family = Self.takesAllOf(view), families.contains(family) { covered.insert(family) }
            if !families.isEmpty && covered.isSuperset(of: families) { break }
        }
        return out
    }

    private func holdsAll(_ set: NamedSet?, _ local: AddressSet, _ family: IPFamily) -> Bool {
        guard let set, !local.isEmpty(family) else { return false }
        var held = AddressSet()
        for case .address(let r) in set.elements { held.insert(r) }
        return held.isSuperset(of: local.only(family))
    }

    /// The family a rule decides every NEW packet of: `meta nfproto F` with only statements
    /// and an accept or drop.
    private static func takesAllOf(_ rule: Rule) -> IPFamily? {
        var family: IPFamily?
        for e in rule.expressions {
            switch e {
            case .nfproto(let f) where family == nil: family = f
            case .counter, .log: continue
            case .verdict(.accept), .verdict(.drop): continue
            default: return nil
            }
        }
        return rule.verdict == .accept || rule.verdict == .drop ? family : nil
    }
}
