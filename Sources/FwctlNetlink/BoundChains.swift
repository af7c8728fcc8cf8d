import FwctlRuleset

/// Anonymous chains bound to a rule (`jump { ip saddr 192.0.2.9 accept }`, NFT_CHAIN_BINDING):
/// the kernel lists them as chains of the table, but they are part of the rule that jumps to
/// them. It deletes them with that rule and refuses to delete them, or their rules, on their
/// own; so a plan that removed them like other chains could never be applied. fwctl never
/// writes one: each is folded into its rule as one expression fwctl does not model
/// (`Expression.unknown`), and the plan removes the rule, the bound chain with it.
struct BoundChains {
    var chains: [String: Chain] = [:]

    /// Replaces every jump or goto to a bound chain in `table`'s rules by the bound chain's
    /// text. A bound chain no rule jumps to is left out (the kernel destroys it with its rule).
    func fold(into table: inout Table) {
        guard !chains.isEmpty else { return }
        for c in table.chains.indices {
            for r in table.chains[c].rules.indices {
                table.chains[c].rules[r].expressions = table.chains[c].rules[r].expressions.map { folded($0, depth: 0) }
            }
        }
    }

    private func folded(_ e: Expression, depth: Int) -> Expression {
        let (verb, target): (String, String)
        switch e {
        case .verdict(.jump(let c)): (verb, target) = ("jump", c)
        case .verdict(.goto(let c)): (verb, target) = ("goto", c)
        default: return e
        }
        // The kernel binds at most a few levels; the bound keeps a crafted cycle finite.
        guard let chain = chains[target], depth < 8 else { return e }
        let body = chain.rules.map { rule -> String in
            var r = rule
            r.expressions = r.expressions.map { folded($0, depth: depth + 1) }
            return NftText.render(rule: r)
        }
        return .unknown("\(verb) { \(body.joined(separator: "; ")) }")
    }
}
