import FwctlRuleset

/// The rule part of a diff: which kernel rules stay (keeping handle and counters), which go,
/// and where each new rule is inserted.
struct RuleDiff {
    let diff: Diff

    /// Deletions in the kernel's chain and rule order; replacements (comment changes) in the
    /// same order; additions in the policy's order, so an `afterNew` anchor always names a
    /// rule added earlier in the batch.
    func changes() -> (deletions: [Change], replacements: [Change], additions: [Change]) {
        var deletions: [Change] = []
        var replacements: [Change] = []
        var additions: [Change] = []
        var keys = ContentKeys()
        var kept: [String: [Int: UInt64]] = [:]   // chain -> desired index -> surviving handle

        for chain in diff.current.chains {
            let target = diff.goneChains.contains(chain.name) ? nil : diff.desired.chain(named: chain.name)
            let want = target?.rules ?? []
            let have = chain.rules.map { isKeepable($0) ? keys.key(for: $0) : keys.unique() }
            let pairs = LongestCommonSubsequence.pairs(have, want.map { keys.key(for: $0) })
            var stays = Set<Int>()
            var byDesired: [Int: UInt64] = [:]
            for (i, j) in pairs {
                let rule = chain.rules[i]
                stays.insert(i)
                byDesired[j] = rule.handle
                guard rule.comment != want[j].comment, let handle = rule.handle else { continue }
                // Same expressions, new policy line: rewrite in place, counters carried over.
                let to = Rule(rule.expressions, comment: want[j].comment)
                replacements.append(.replaceRule(chain: chain.name, handle: handle, from: rule, to: to))
            }
            kept[chain.name] = byDesired
            for (i, rule) in chain.rules.enumerated() where !stays.contains(i) {
                guard let handle = rule.handle else {
                    preconditionFailure("rule \(i) of chain \(chain.name) has no kernel handle: current must come from RulesetBackend.read")
                }
                deletions.append(.deleteRule(chain: chain.name, handle: handle, rule: rule))
            }
        }

        var nextID = 1
        for chain in diff.desired.chains {
            let byDesired = kept[chain.name] ?? [:]
            var previous: RuleAnchor?   // where the next new rule goes when it follows this one
            for (j, rule) in chain.rules.enumerated() {
                if let handle = byDesired[j] {
                    previous = .afterHandle(handle)
                    continue
                }
                // With nothing kept the chain is empty by now and appending keeps the order;
                // otherwise a new rule hangs on its predecessor, or goes first.
                let position: RuleAnchor = byDesired.isEmpty ? .append : (previous ?? .top)
                var r = rule
                r.handle = nil
                additions.append(.addRule(chain: chain.name, rule: r, position: position, id: nextID))
                previous = .afterNew(nextID)
                nextID += 1
            }
        }
        return (deletions, replacements, additions)
    }

    /// A kernel rule may stay only if fwctl could have written it and everything it refers
    /// to stays too: a set or chain being re-created cannot be deleted while the rule uses it.
    private func isKeepable(_ rule: Rule) -> Bool {
        !rule.hasUnknownExpression && rule.handle != nil
            && rule.referencedSets.isDisjoint(with: diff.goneSets)
            && rule.jumpTargets.isDisjoint(with: diff.goneChains)
    }
}

/// Maps each distinct rule content to small integers, so the subsequence search compares
/// integers instead of expression lists: `loose` for the expressions alone (counter values
/// aside), `exact` for expressions and comment.
struct ContentKeys {
    private struct Content: Hashable {
        let comment: String?
        let expressions: [Expression]
    }

    private var loose: [[Expression]: Int] = [:]
    private var exact: [Content: Int] = [:]
    private var fresh = -1

    mutating func key(for rule: Rule) -> LongestCommonSubsequence.Key {
        let expressions = rule.expressions.map(\.withoutState)
        let l = loose[expressions] ?? loose.count
        loose[expressions] = l
        let c = Content(comment: rule.comment, expressions: expressions)
        let e = exact[c] ?? exact.count
        exact[c] = e
        return .init(loose: l, exact: e)
    }

    /// A key equal to no other: for rules that must not be matched.
    mutating func unique() -> LongestCommonSubsequence.Key {
        defer { fresh -= 1 }
        return .init(loose: fresh, exact: fresh)
    }
}
