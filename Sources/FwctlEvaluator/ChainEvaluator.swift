import FwctlNet
import FwctlRuleset

/// Exact first-match evaluation of one base chain for NEW packets.
///
/// The packet space of each family is cut into peer-address classes (`AddressAxis`) and
/// protocol/port pieces (`ServiceAxis`). Every rule treats a (class, piece) cell as a whole,
/// so evaluating rules over cells is exact: per class, the still-undecided pieces are a
/// bitset, and each rule takes its share with a few word operations.
///
/// Modelling choices (all documented in `RuleCondition`):
/// - packets are NEW and not loopback: `ct state` without `new` and `iif/oif "lo"` rules match
///   none of them and are left out (`ChainAnalysis.outOfScope`), not reported unreachable;
/// - counters, logs and verdict-less rules decide nothing;
/// - a rule with a `limit` takes packets only up to its rate: the cell keeps going to later
///   rules for the overflow, and `ChainVerdict` reports e.g. `.acceptRateLimited`;
/// - a rule the verifier cannot fully evaluate (local address, source port, other interfaces,
///   jumps outside a dispatch map, unknown expressions) never decides; it is listed in `ChainAnalysis.uncertain` and
///   each verdict names those of them that may match its packet.
public enum ChainEvaluator {
    public static func evaluate(chain: Chain, in table: Table, peerField: AddressField) -> ChainAnalysis {
        evaluate([(chain, table)], peerField: peerField)[0]
    }

    /// Evaluates chains over one shared partition, so their cells can be compared one to one.
    static func evaluate(_ chains: [(Chain, Table)], peerField: AddressField) -> [ChainAnalysis] {
        // Dispatch maps evaluate as the single chain they amount to (`inliningDispatch`).
        let chains = chains.map { ($0.0.inliningDispatch(in: $0.1), $0.1) }
        let conditionSets = chains.map { chain, table in
            let sets = SetLookup(table: table)
            return chain.rules.map { RuleCondition($0, peerField: peerField, sets: sets) }
        }
        var reached = conditionSets.map { [Bool](repeating: false, count: $0.count) }
        var nonEmpty = reached
        var spaces = [[FamilySpace]](repeating: [], count: chains.count)
        for family in IPFamily.allCases {
            for (i, space) in evaluate(family: family, sets: conditionSets, reached: &reached, nonEmpty: &nonEmpty).enumerated() {
                spaces[i].append(space)
            }
        }
        return chains.indices.map { i in
            let chain = chains[i].0
            let policy: Verdict = chain.hook?.policy == .drop ? .drop : .accept
            var analysis = ChainAnalysis(chain: chain, peerField: peerField, policy: policy, conditions: conditionSets[i], spaces: spaces[i])
            analysis.findUnreachable(reached: reached[i], nonEmpty: nonEmpty[i])
            return analysis
        }
    }

    private static func evaluate(family: IPFamily, sets conditionSets: [[RuleCondition]], reached: inout [[Bool]], nonEmpty: inout [[Bool]]) -> [FamilySpace] {
        // One constraint per distinct combination of address matches of a chain: named sets are
        // lowered once. (Per chain: one set name may hold other addresses in another table.)
        var constraints: [Spans<UInt128>] = []
        var ruleConstraints: [[Int]] = []
        for conditions in conditionSets {
            var constraintIndex: [[AddressMatch]: Int] = [:]
            var ruleConstraint = [Int](repeating: -1, count: conditions.count)
            for (i, c) in conditions.enumerated() where c.outOfScope == nil && c.allows(family) {
                guard let peers = c.peers(family) else { continue }
                if let k = constraintIndex[c.peerKey] { ruleConstraint[i] = k; continue }
                constraintIndex[c.peerKey] = constraints.count
                ruleConstraint[i] = constraints.count
                constraints.append(peers)
            }
            ruleConstraints.append(ruleConstraint)
        }
        let axis = AddressAxis(family: family, constraints: constraints)
        let services = ServiceAxis(family: family, conditions: conditionSets.flatMap { $0 }.filter { $0.outOfScope == nil })
        return conditionSets.indices.map { i in
            run(conditionSets[i], ruleConstraint: ruleConstraints[i], axis: axis, services: services, family: family,
                reached: &reached[i], nonEmpty: &nonEmpty[i])
        }
    }

    /// First match of one chain's rules over the cells of shared axes.
    private static func run(_ conditions: [RuleCondition], ruleConstraint: [Int], axis: AddressAxis, services: ServiceAxis, family: IPFamily,
                            reached: inout [Bool], nonEmpty: inout [Bool]) -> FamilySpace {
        var space = FamilySpace(addresses: axis, services: services)
        let classes = axis.classCount, pieces = services.pieces.count, words = services.words

        var undecided = [UInt64](repeating: 0, count: classes * words)
        for k in 0..<classes {
            for p in 0..<pieces { undecided[k * words + p >> 6] |= 1 << UInt64(p & 63) }
        }
        var limitedSeen = [UInt64](repeating: 0, count: classes * words)
        let allClasses = [UInt64](repeating: ~0, count: (classes + 63) / 64)

        for (i, c) in conditions.enumerated() where c.outOfScope == nil && c.allows(family) {
            let mask = services.mask(for: c)
            // Most rules take a few pieces: only the words between the first and last set ones matter.
            guard let wLo = mask.firstIndex(where: { $0 != 0 }), let wHi = mask.lastIndex(where: { $0 != 0 }) else { continue }
            let classBits = ruleConstraint[i] >= 0 ? axis.constraintClasses[ruleConstraint[i]] : allClasses
            guard classBits.contains(where: { $0 != 0 }) else { continue }
            nonEmpty[i] = true
            let certain = c.terminal && c.uncertain.isEmpty
            let decides = certain && !c.limited
            let limits = certain && c.limited
            let rule = Int32(i)
            for (cw, var word) in classBits.enumerated() {
                while word != 0 {
                    let k = cw << 6 + word.trailingZeroBitCount
                    word &= word - 1
                    guard k < classes else { break }
                    let base = k * words
                    for w in wLo...wHi {
                        var m = undecided[base + w] & mask[w]
                        guard m != 0 else { continue }
                        reached[i] = true
                        if decides {
                            undecided[base + w] &= ~m
                            space.deciders.record(class: k, word: w, bits: m, rule: rule)
                        } else if limits {
                            // Only the first limit on a cell counts: later ones see the overflow.
                            m &= ~limitedSeen[base + w]
                            if m != 0 {
                                limitedSeen[base + w] |= m
                                space.limits.record(class: k, word: w, bits: m, rule: rule)
                            }
                        }
                    }
                }
            }
        }
        space.deciders.seal(classes: classes)
        space.limits.seal(classes: classes)
        space.ruleConstraint = ruleConstraint
        return space
    }
}

/// The evaluated cells of one family: who decided each (class, piece).
struct FamilySpace {
    let addresses: AddressAxis
    let services: ServiceAxis
    /// Which rule decided each (class, piece); none: the policy.
    var deciders = DecisionLog()
    /// The first rate-limited rule that took each (class, piece), if any.
    var limits = DecisionLog()
    /// Per rule: its index into the axis' constraints, -1 when it constrains no peer address.
    var ruleConstraint: [Int] = []

    init(addresses: AddressAxis, services: ServiceAxis) {
        self.addresses = addresses
        self.services = services
    }

    /// The classes a rule's addresses take (every class when it has no address match).
    func classes(of rule: Int) -> [Int] {
        let k = ruleConstraint[rule]
        guard k >= 0 else { return Array(0..<addresses.classCount) }
        var out: [Int] = []
        for (cw, var word) in addresses.constraintClasses[k].enumerated() {
            while word != 0 {
                out.append(cw << 6 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
        return out
    }
}
