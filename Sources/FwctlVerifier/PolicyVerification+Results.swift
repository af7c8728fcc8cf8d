import FwctlEvaluator
import FwctlNet
import FwctlRuleset

/// The outcome of `PolicyVerifier.verify` for one host.
public struct HostVerification: Hashable, Sendable {
    public var host: String
    /// Packet classes the ruleset decides otherwise than the policy.
    public var discrepancies: [Discrepancy] = []
    /// Conntrack unsoundness, missing chains, rules that cannot be verified.
    public var problems: [Problem] = []
    /// Rules that decide nothing (shadowed, redundant, matching nothing): reported, not failures.
    public var anomalies: [Anomaly] = []

    public init(host: String) { self.host = host }

    /// The same result for a host of the same class: its name, and examples at its own address.
    func moved(to host: String, local: AddressSet) -> HostVerification {
        var result = self
        result.host = host
        for i in result.discrepancies.indices {
            let packets = result.discrepancies[i].packets
            result.discrepancies[i].example = packets.example(local: local.ranges(packets.family).first?.lower)
        }
        return result
    }

    /// No discrepancy and no problem: the ruleset provably admits exactly the policy's flows.
    public var isClean: Bool { discrepancies.isEmpty && problems.isEmpty }
}

/// A rule of the verified chain: its position, its text and its comment (the policy line
/// fwctl wrote there; a hand-added rule usually has none).
public struct RuleRef: Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    public var text: String
    public var comment: String?

    public init(index: Int, rule: Rule) {
        self.index = index
        text = NftText.render(rule: Rule(rule.expressions))
        comment = rule.comment
    }

    /// `rule 7 [web.policy:12: allow lb -> web : https]`, `rule 9 (tcp dport 8080 accept)`.
    public var description: String {
        comment.map { "rule \(index) [\($0)]" } ?? "rule \(index) (\(text))"
    }
}

/// A class of NEW packets the ruleset decides otherwise than the policy.
public struct Discrepancy: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// The ruleset admits packets the policy does not.
        case admitsMore = "admits more"
        /// The ruleset drops packets the policy admits.
        case admitsLess = "admits less"
        /// Both admit, but one only up to a rate.
        case rateDiffers = "rate limit differs"
    }

    public var direction: PolicyIntent.Direction
    public var kind: Kind
    /// Every packet of the class is decided the same wrong way.
    public var packets: PacketClass
    /// A concrete packet of the class (the host's own address at the local end).
    public var example: Packet
    /// The ruleset's verdict.
    public var actual: ChainVerdict
    /// The rule that decided it; nil: the chain's policy (`actualPolicy`).
    public var actualRule: RuleRef?
    public var actualPolicy: Verdict
    /// What the policy wants.
    public var intended: ChainVerdict.Decision
    /// The policy line (or baseline, or default) that wants it.
    public var intendedBy: String

    /// `input admits more: 10.0.9.1 -> 10.0.1.5 tcp/8080 (ip saddr 10.0.9.0/24 tcp dport 8080):
    /// accept by rule 9 (tcp dport 8080 accept); the policy: drop (default: drop ...)`.
    public var description: String {
        let by = actualRule?.description ?? "the chain policy \(actualPolicy == .accept ? "accept" : "drop")"
        return "\(direction.rawValue) \(kind.rawValue): \(example) (\(packets)): \(actual.verdict.rawValue) by \(by); the policy: \(intended.rawValue) (\(intendedBy))"
    }
}

/// Something that makes a chain unsound or unproven.
public struct Problem: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Established/related not accepted before any drop, or invalid not dropped before any accept.
        case conntrack
        /// A rule the verifier cannot evaluate (interfaces, local addresses, jumps, ...).
        case unverifiable
        /// The table has no input or output filter chain.
        case missingChain = "missing chain"
    }

    public var direction: PolicyIntent.Direction
    public var kind: Kind
    public var message: String
    /// The rules concerned.
    public var rules: [RuleRef]
}

/// A rule that decides nothing, with the rules that take its packets first.
public struct Anomaly: Hashable, Sendable {
    public var direction: PolicyIntent.Direction
    public var kind: UnreachableRule.Kind
    public var rule: RuleRef
    public var hiddenBy: [RuleRef]
}
