import FwctlRuleset

/// How a chain treats packets of existing connections, which the class evaluation (NEW
/// packets only) leaves out: established and related packets must be accepted before any rule
/// could drop them, and invalid ones dropped before any rule could accept them.
public struct ConntrackCheck: Hashable, Sendable {
    /// The rule accepting every established and related packet, when no earlier rule can drop one.
    public var acceptsEstablished: Int?
    /// Earlier rules that can drop established or related packets (or the lack of an accepting rule).
    public var dropsEstablished: [Int]
    /// The rule dropping every invalid packet, when no earlier rule can accept one.
    public var dropsInvalid: Int?
    /// Earlier rules that can accept invalid packets.
    public var acceptsInvalid: [Int]

    /// Both hold: replies get through, invalid packets do not.
    public var isSound: Bool { acceptsEstablished != nil && dropsInvalid != nil }

    public init(acceptsEstablished: Int?, dropsEstablished: [Int], dropsInvalid: Int?, acceptsInvalid: [Int]) {
        self.acceptsEstablished = acceptsEstablished
        self.dropsEstablished = dropsEstablished
        self.dropsInvalid = dropsInvalid
        self.acceptsInvalid = acceptsInvalid
    }

    /// Checks the chain's rules in order.
    public init(_ chain: Chain) {
        (acceptsEstablished, dropsEstablished) = Self.first(chain, taking: [.established, .related], verdict: .accept)
        (dropsInvalid, acceptsInvalid) = Self.first(chain, taking: .invalid, verdict: .drop)
    }

    /// The first rule that takes every packet in `states` with `verdict`, and the earlier rules
    /// that may take some of them with the other verdict (then the first is not reported).
    private static func first(_ chain: Chain, taking states: CtStates, verdict: Verdict) -> (Int?, [Int]) {
        var offenders: [Int] = []
        for (i, rule) in chain.rules.enumerated() {
            guard let v = rule.verdict, v == .accept || v == .drop else { continue }
            var ct: CtStates? = nil
            var narrowed = false   // some other match: the rule takes only part of such packets
            for e in rule.expressions {
                switch e {
                case .ctState(let s): ct = ct.map { $0.intersection(s) } ?? s
                case .counter, .log, .verdict: break
                default: narrowed = true
                }
            }
            let meets = ct.map { !$0.intersection(states).isEmpty } ?? true
            guard meets else { continue }
            if v == verdict, !narrowed, let ct, ct.isSuperset(of: states) {
                return (offenders.isEmpty ? i : nil, offenders)
            }
            if v != verdict { offenders.append(i) }
        }
        return (nil, offenders)
    }
}

extension ChainAnalysis {
    /// The chain's treatment of established, related and invalid packets.
    public var conntrack: ConntrackCheck { ConntrackCheck(chain) }
}
