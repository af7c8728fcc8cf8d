import Dispatch
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// `fwctl verify` for one host: does its ruleset (compiled, or read from the kernel) admit
/// exactly the policy's flows, nothing more, nothing less, over IPv4 and IPv6?
///
/// Each of the input and output chains (and with `forward = policy` the forward chain, as
/// connections addressed to the host see it: `Chain.forwardedToHost`) is compared with the
/// policy's intent for that side
/// (`PolicyIntent`) over one exact partition of the packet space (`ChainEvaluator.compare`):
/// every class decided differently is a `Discrepancy` with an example packet, the rule that
/// decided it and the policy line that says otherwise. Beside that, the conntrack rules are
/// checked, rules the verifier cannot evaluate are named (they make the result unproven), and
/// unreachable rules are listed as anomalies (reported, not failures: overlapping flows make
/// redundant rules in a correct ruleset).
public enum PolicyVerifier {
    /// Verifies `ruleset` as the firewall of `host` (which the fleet must define).
    public static func verify(fleet: Fleet, host: String, ruleset: Ruleset) -> HostVerification {
        verify(index: PolicyIntent.Index(fleet), host: host, ruleset: ruleset)
    }

    /// Verifies many hosts of one fleet on all cores, in the order given; a host missing
    /// from `rulesets` is verified as having no table (it filters nothing).
    ///
    /// Hosts with equal rulesets and equal intents (`PolicyIntent.Index.intentClass`) have
    /// the same result but for their name and example packets (which carry the host's own
    /// address): each such class is verified once, and its result given to every member.
    public static func verify(fleet: Fleet, hosts: [String], rulesets: [String: Ruleset]) -> [HostVerification] {
        let classes = verifyClasses(fleet: fleet, hosts: hosts, rulesets: rulesets)
        return hosts.enumerated().map { i, host in
            let c = classes.of[i]
            return classes.leaders[c] == i ? classes.results[c] : classes.results[c].moved(to: host, local: classes.index.addresses(ofHost: host) ?? AddressSet())
        }
    }

    /// `verify(fleet:hosts:rulesets:)` by class: each host's class, each class's first host
    /// (its position in `hosts`) and that host's result, which is every member's but for the
    /// name and the examples' local address. `rulesetClasses`, when the caller knows them (the
    /// compiler's classes), number the hosts' rulesets so that equal numbers mean equal
    /// rulesets; otherwise the rulesets are compared here.
    public static func verifyClasses(fleet: Fleet, hosts: [String], rulesets: [String: Ruleset], rulesetClasses: [Int]? = nil) -> VerifiedClasses {
        let index = PolicyIntent.Index(fleet)
        let tables = hosts.map { rulesets[$0] ?? Ruleset() }
        let rulesetClass = rulesetClasses ?? FleetModel.classes(tables).of
        var classOf: [ClassKey: Int] = [:], firsts: [Int] = [], of: [Int] = []
        for (i, host) in hosts.enumerated() {
            // The forward chain is seen through the host's own addresses (`forwardedToHost`).
            let own = fleet.defaults.forward == .policy ? index.addresses(ofHost: host) : nil
            let key = ClassKey(ruleset: rulesetClass[i], intent: index.intentClass(of: host), own: own)
            if let c = classOf[key] { of.append(c); continue }
            classOf[key] = firsts.count
            of.append(firsts.count)
            firsts.append(i)
        }
        let leaders = firsts
        let results = UnsafeResults<HostVerification>(count: leaders.count)
        DispatchQueue.concurrentPerform(iterations: leaders.count) { c in
            results.set(c, verify(index: index, host: hosts[leaders[c]], ruleset: tables[leaders[c]]))
        }
        return VerifiedClasses(of: of, leaders: leaders, results: results.values(), index: index)
    }

    static func verify(index: PolicyIntent.Index, host: String, ruleset: Ruleset) -> HostVerification {
        let fleet = index.fleet
        var result = HostVerification(host: host)
        let local = index.addresses(ofHost: host) ?? AddressSet()
        let table = ruleset.tables.first { $0.family == .inet && $0.name == fleet.defaults.tableName }
            ?? ruleset.tables.first { $0.family == .inet }
        // The forward chain is the policy's only with `forward = policy`; otherwise it forwards
        // nothing new (`drop`) or is not fwctl's (`unmanaged`).
        for direction in PolicyIntent.Direction.allCases where direction != .forward || fleet.defaults.forward == .policy {
            let intent = PolicyIntent(index: index, host: host, direction: direction)
            guard let table, let hooked = table.chains.first(where: { $0.hook?.hook == direction.hook && $0.hook?.type == .filter }) else {
                // No chain: the kernel filters nothing that way, which the comparison shows.
                result.problems.append(Problem(direction: direction, kind: .missingChain,
                                               message: "no \(direction.rawValue) filter chain in table inet \(fleet.defaults.tableName)", rules: []))
                let open = Chain(name: direction.rawValue, hook: BaseChainHook(hook: direction.hook, policy: .accept))
                compare(intent, with: open, in: Table(name: fleet.defaults.tableName, chains: [open]), local: local, into: &result)
                continue
            }
            // Rule indices as the evaluator reports them.
            let chain = direction == .forward ? hooked.forwardedToHost(in: table, local: local) : hooked.inliningDispatch(in: table)
            compare(intent, with: chain, in: table, local: local, into: &result)
            let analysis = ChainEvaluator.evaluate(chain: chain, in: table, peerField: direction.peerField)
            check(analysis, direction: direction, into: &result)
        }
        return result
    }

    static func compare(_ intent: PolicyIntent, with chain: Chain, in table: Table, local: AddressSet, into result: inout HostVerification) {
        let peerField = intent.direction.peerField
        // The evaluator splits classes by every address boundary of either chain; one wrong
        // rule would show once per address class. Classes decided the same way by the same
        // rules, for the same protocol and ports, are one discrepancy.
        var merged: [MergeKey: Int] = [:]
        for d in ChainEvaluator.compare(intent.chain, in: intent.table, with: chain, in: table, peerField: peerField) {
            let kind: Discrepancy.Kind
            switch (d.old.verdict.admits, d.new.verdict.admits) {
            case (false, true): kind = .admitsMore
            case (true, false): kind = .admitsLess
            default: kind = .rateDiffers
            }
            let key = MergeKey(kind: kind, family: d.packets.family, protocols: d.packets.protocols, ports: d.packets.ports,
                               icmpTypes: d.packets.icmpTypes, actual: d.new, intended: d.old)
            if let i = merged[key] {
                result.discrepancies[i].packets.peers.formUnion(d.packets.peers)
                result.discrepancies[i].example = result.discrepancies[i].packets.example(local: local.ranges(d.packets.family).first?.lower)
                continue
            }
            merged[key] = result.discrepancies.count
            let intended = d.old.rule.map { intent.origins[$0] } ?? intent.defaultOrigin
            result.discrepancies.append(Discrepancy(
                direction: intent.direction, kind: kind, packets: d.packets,
                example: d.packets.example(local: local.ranges(d.packets.family).first?.lower), actual: d.new,
                actualRule: d.new.rule.map { RuleRef(index: $0, rule: chain.rules[$0]) },
                actualPolicy: chain.hook?.policy == .accept ? .accept : .drop,
                intended: d.old.verdict, intendedBy: intended))
        }
    }

    static func check(_ analysis: ChainAnalysis, direction: PolicyIntent.Direction, into result: inout HostVerification) {
        let rules = analysis.chain.rules
        let ct = analysis.conntrack
        if ct.acceptsEstablished == nil {
            result.problems.append(Problem(direction: direction, kind: .conntrack,
                                           message: "established/related packets are not accepted before any rule could drop them",
                                           rules: ct.dropsEstablished.map { RuleRef(index: $0, rule: rules[$0]) }))
        }
        if ct.dropsInvalid == nil {
            result.problems.append(Problem(direction: direction, kind: .conntrack,
                                           message: "invalid packets are not dropped before any rule could accept them",
                                           rules: ct.acceptsInvalid.map { RuleRef(index: $0, rule: rules[$0]) }))
        }
        for u in analysis.uncertain {
            result.problems.append(Problem(direction: direction, kind: .unverifiable,
                                           message: "rule cannot be verified: " + u.reasons.joined(separator: "; "),
                                           rules: [RuleRef(index: u.rule, rule: rules[u.rule])]))
        }
        for u in analysis.unreachable {
            result.anomalies.append(Anomaly(direction: direction, kind: u.kind, rule: RuleRef(index: u.rule, rule: rules[u.rule]),
                                            hiddenBy: u.hiddenBy.map { RuleRef(index: $0, rule: rules[$0]) }))
        }
    }
}

/// Hosts verified once per class (`PolicyVerifier.verifyClasses`).
public struct VerifiedClasses: Sendable {
    /// Per host (in the order given), its class.
    public let of: [Int]
    /// Per class, the position of its first host.
    public let leaders: [Int]
    /// Per class, its first host's result.
    public let results: [HostVerification]
    let index: PolicyIntent.Index
}

/// Hosts verified once for all: equal rulesets, equal intents.
private struct ClassKey: Hashable {
    var ruleset: Int
    var intent: PolicyIntent.Index.IntentClass
    var own: AddressSet?
}

/// What makes two compared classes one discrepancy: all but the peer addresses.
private struct MergeKey: Hashable {
    var kind: Discrepancy.Kind
    var family: IPFamily
    var protocols: IntervalSet<UInt8>
    var ports: IntervalSet<UInt16>?
    var icmpTypes: IntervalSet<UInt8>?
    var actual: ChainVerdict
    var intended: ChainVerdict
}
