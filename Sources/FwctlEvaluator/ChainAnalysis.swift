import FwctlNet
import FwctlRuleset

/// The result of evaluating one chain: a verdict for every NEW packet, and the rules that
/// decide nothing.
public struct ChainAnalysis: Sendable {
    public let chain: Chain
    /// The field that names the peer: `saddr` for an input chain, `daddr` for an output chain.
    public let peerField: AddressField
    /// What the chain does with packets no rule decides.
    public let policy: Verdict
    /// Rules that decide nothing (see `UnreachableRule`), in chain order.
    public internal(set) var unreachable: [UnreachableRule] = []
    /// Rules the verifier could not evaluate fully, with the reasons. They never decide; a
    /// verdict lists those of them that may match its packet.
    public let uncertain: [UncertainRule]
    /// Rules that match no NEW, non-loopback packet (conntrack and loopback rules): outside
    /// what the verifier evaluates, with the reason.
    public let outOfScope: [(rule: Int, reason: String)]

    let conditions: [RuleCondition]
    let spaces: [FamilySpace]

    init(chain: Chain, peerField: AddressField, policy: Verdict, conditions: [RuleCondition], spaces: [FamilySpace]) {
        self.chain = chain
        self.peerField = peerField
        self.policy = policy
        self.conditions = conditions
        self.spaces = spaces
        uncertain = conditions.enumerated().compactMap { i, c in
            c.uncertain.isEmpty || c.outOfScope != nil ? nil : UncertainRule(rule: i, reasons: c.uncertain)
        }
        outOfScope = conditions.enumerated().compactMap { i, c in c.outOfScope.map { (i, $0) } }
    }

    func space(_ family: IPFamily) -> FamilySpace { spaces[family == .v4 ? 0 : 1] }

    /// The verdict for one packet: a lookup of its cell.
    public func verdict(for packet: Packet) -> ChainVerdict {
        let s = space(packet.family)
        let k = s.addresses.classOf(packet.address(peerField).wide)
        let p = s.services.piece(proto: packet.proto, port: packet.port, icmpType: packet.icmpType)
        var v = verdict(space: s, class: k, piece: p)
        // Uncertain rules up to the one that finally decides (past any rate-limited one).
        let decider = s.deciders.rule(class: k, piece: p)
        let end = decider >= 0 ? Int(decider) : conditions.count
        v.uncertain = uncertain.map(\.rule).filter { $0 < end && conditions[$0].mayMatch(packet, peerField: peerField) }
        return v
    }

    func verdict(space s: FamilySpace, class k: Int, piece p: Int) -> ChainVerdict {
        verdict(decider: Int(s.deciders.rule(class: k, piece: p)), limited: Int(s.limits.rule(class: k, piece: p)))
    }

    /// The verdict of a cell from its deciding rule and first rate-limited rule (-1: none).
    func verdict(decider final: Int, limited first: Int) -> ChainVerdict {
        let finalRule: Int? = final >= 0 ? final : nil
        let finalVerdict = finalRule.flatMap { conditions[$0].verdict } ?? policy
        guard first >= 0 else { return .combine(first: nil, firstVerdict: nil, limited: false, final: finalRule, finalVerdict: finalVerdict) }
        return .combine(first: first, firstVerdict: conditions[first].verdict, limited: true, final: finalRule, finalVerdict: finalVerdict)
    }

    /// Finds the in-scope rules that took no packet, and who took their packets instead.
    mutating func findUnreachable(reached: [Bool], nonEmpty: [Bool]) {
        for (i, c) in conditions.enumerated() where c.outOfScope == nil && !reached[i] {
            guard nonEmpty[i] else {
                unreachable.append(UnreachableRule(rule: i, kind: .matchesNothing, hiddenBy: []))
                continue
            }
            var hiders = Set<Int>()
            for s in spaces where c.allows(s.addresses.family) {
                let mask = s.services.mask(for: c)
                for k in s.classes(of: i) {
                    for (w, word) in mask.enumerated() where word != 0 {
                        s.deciders.rules(class: k, word: w, meeting: word, into: &hiders)
                    }
                }
            }
            let sorted = hiders.sorted()
            let same = c.verdict != nil && sorted.allSatisfy { conditions[$0].verdict == c.verdict }
            unreachable.append(UnreachableRule(rule: i, kind: same ? .redundant : .shadowed, hiddenBy: sorted))
        }
    }
}

/// A rule that decides no packet.
public struct UnreachableRule: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Earlier rules took all its packets, at least one of them with another verdict (or the
        /// rule has no verdict of its own, as a log or counter rule): its intent is lost.
        case shadowed
        /// Earlier rules of the same verdict took all its packets: removing it changes nothing.
        case redundant
        /// It matches no packet at all (an empty set, contradictory matches).
        case matchesNothing
    }

    /// Index into `chain.rules`.
    public var rule: Int
    public var kind: Kind
    /// The earlier rules that together took all its packets (their union may be needed: no
    /// single one of them has to cover it).
    public var hiddenBy: [Int]
}

/// A rule the verifier evaluates only approximately, and why.
public struct UncertainRule: Hashable, Sendable {
    public var rule: Int
    public var reasons: [String]
}

extension RuleCondition {
    /// Whether the (over-approximating) condition matches a packet; for naming uncertain rules.
    func mayMatch(_ packet: Packet, peerField: AddressField) -> Bool {
        guard outOfScope == nil, allows(packet.family) else { return false }
        if let peers = peers(packet.family), !peers.contains(packet.address(peerField).wide) { return false }
        if let protos, !protos.contains(packet.proto) { return false }
        if let ports = ports[packet.proto] {
            guard let port = packet.port, ports.contains(port) else { return false }
        }
        if let icmpTypes {
            guard packet.proto == packet.family.icmpProtocol, let t = packet.icmpType, icmpTypes.contains(t) else { return false }
        }
        return true
    }
}
