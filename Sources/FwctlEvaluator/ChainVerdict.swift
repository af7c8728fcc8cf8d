import FwctlRuleset

/// What a chain does with a NEW packet, and which rule decided it.
public struct ChainVerdict: Hashable, Sendable, CustomStringConvertible {
    /// The outcome. A rule with a `limit` takes packets only up to its rate; packets above it
    /// go on to later rules. When those later rules (or the policy) decide the same way, the
    /// outcome is plain; otherwise it is rate-limited.
    public enum Decision: String, Hashable, Sendable {
        case accept, drop
        /// Accepted up to a rate (the `limit` rule), dropped above it.
        case acceptRateLimited
        /// Dropped up to a rate, accepted above it.
        case dropRateLimited

        /// True when at least some such packets get through.
        public var admits: Bool { self != .drop }
    }

    public var verdict: Decision
    /// Index into `chain.rules` of the first rule that takes the packet; nil: the chain's policy.
    public var rule: Int?
    /// When `rule` is rate-limited: who decides the packets above the rate (nil: the policy).
    public var overflowRule: Int?
    /// Earlier rules the verifier could not evaluate fully (see `ChainAnalysis.uncertain`)
    /// that may match this packet: the verdict holds if none of them does.
    public var uncertain: [Int]

    public init(verdict: Decision, rule: Int?, overflowRule: Int? = nil, uncertain: [Int] = []) {
        self.verdict = verdict
        self.rule = rule
        self.overflowRule = overflowRule
        self.uncertain = uncertain
    }

    /// `accept (rule 7)`, `drop (policy)`.
    public var description: String {
        let by = rule.map { "rule \($0)" } ?? "policy"
        return "\(verdict.rawValue) (\(by))"
    }

    /// Combines the first rule to take the packet with whatever decides the rest of it.
    static func combine(first: Int?, firstVerdict: Verdict?, limited: Bool, final: Int?, finalVerdict: Verdict) -> ChainVerdict {
        guard limited, let first, let firstVerdict else {
            return ChainVerdict(verdict: finalVerdict == .accept ? .accept : .drop, rule: final)
        }
        if firstVerdict == finalVerdict {
            return ChainVerdict(verdict: finalVerdict == .accept ? .accept : .drop, rule: first, overflowRule: final)
        }
        return ChainVerdict(verdict: firstVerdict == .accept ? .acceptRateLimited : .dropRateLimited, rule: first, overflowRule: final)
    }
}
