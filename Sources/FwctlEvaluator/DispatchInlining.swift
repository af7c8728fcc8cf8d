import FwctlNet
import FwctlRuleset

/// Dispatch by verdict map, rewritten as the equivalent single chain the evaluators take.
///
/// `meta l4proto . th dport vmap @m` looks one element up; an element `tcp . 443 : jump c`
/// runs chain `c` and, when no rule of `c` decides, returns to the rule after the dispatch.
/// The keys of a map are distinct, so the packets of two elements are disjoint: replacing the
/// dispatch rule by, element after element, the rules of its chain each prefixed with the
/// element's `tcp dport 443` is exact first-match semantics. `goto c` is the same followed by
/// the chain policy (a goto does not return); `accept`/`drop` are one rule; `return` from a
/// base chain is the chain policy. What cannot be rewritten exactly (a key protocol without
/// ports the model knows, a missing chain, rules of `c` that jump or return again) keeps an
/// `.unknown` expression or its own jump, so the evaluator names it as uncertain.
extension Chain {
    /// The chain with every dispatch rule replaced by the rules it reaches (see above).
    /// Rule indices of the result are what `ChainAnalysis` and `NaiveEvaluator` report.
    public func inliningDispatch(in table: Table) -> Chain {
        guard rules.contains(where: \.isDispatch) else { return self }
        var out = self
        out.rules = rules.flatMap { rule -> [Rule] in
            guard let name = rule.dispatchMap else { return [rule] }
            // A lookup in a map the table lacks matches nothing (the kernel would refuse the rule).
            guard let map = table.set(named: name), map.isVerdictMap else { return [] }
            return map.elements.flatMap { inlined($0, from: rule, in: table) }
        }
        return out
    }

    private func inlined(_ element: SetElement, from rule: Rule, in table: Table) -> [Rule] {
        guard case .dispatch(let proto, let port, let verdict) = element else { return [] }
        let key: [Expression] = PortProtocol.allCases.first { $0.number == proto }
            .map { [.port(proto: $0, field: .dport, match: .range(PortRange(port)))] }
            ?? [.l4proto(proto), .unknown("th dport \(port) of protocol \(proto)")]
        let policy: Verdict = hook?.policy == .drop ? .drop : .accept
        // The dispatch rule's other matches hold for everything it reaches.
        let head = rule.expressions.filter { if case .dispatch = $0 { false } else { true } } + key
        func own(_ tail: Expression) -> Rule { Rule(head + [tail], comment: rule.comment, handle: rule.handle) }
        switch verdict {
        case .accept, .drop:
            return [own(.verdict(verdict))]
        case .return:
            return [own(.verdict(policy))]
        case .jump(let c), .goto(let c):
            guard let target = table.chain(named: c), target.hook == nil else { return [own(.unknown("jump to missing chain \(c)"))] }
            var out = target.rules.map { Rule(head + $0.expressions, comment: $0.comment, handle: $0.handle) }
            if case .goto = verdict { out.append(own(.verdict(policy))) }
            return out
        }
    }
}

extension Rule {
    /// The map of a `meta l4proto . th dport vmap @map` rule.
    var dispatchMap: String? {
        for e in expressions { if case .dispatch(let map) = e { return map } }
        return nil
    }

    var isDispatch: Bool { dispatchMap != nil }
}
