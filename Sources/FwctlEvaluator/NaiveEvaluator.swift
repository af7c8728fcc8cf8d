import FwctlNet
import FwctlRuleset

/// A per-packet first-match interpreter of a chain: slow, simple, and written apart from
/// `ChainEvaluator` so each can check the other (the brute-force and mutation tests use it).
///
/// It follows the same modelling choices: NEW, non-loopback packets; `limit` rules take
/// packets up to a rate and let the overflow go on; rules with parts it cannot evaluate
/// never decide and are named in `uncertain` when the rest of them matches.
public enum NaiveEvaluator {
    public static func verdict(for packet: Packet, chain: Chain, in table: Table, peerField: AddressField) -> ChainVerdict {
        var state = Walk()
        var index = 0
        for rule in chain.rules {
            if let name = rule.dispatchMap {
                // The kernel's way: look the packet's protocol and port up, run the chain the
                // element jumps to, come back when no rule of it decides. Indices count the rules
                // reached through the map as `Chain.inliningDispatch` lays them out.
                let head = rule.expressions.filter { if case .dispatch = $0 { false } else { true } }
                for element in table.set(named: name)?.elements ?? [] {
                    guard case .dispatch(let proto, let port, let v) = element else { continue }
                    // A key protocol whose ports the packet model lacks: the lookup may or may not hit.
                    let modelled = PortProtocol.allCases.contains { $0.number == proto }
                    let hit = packet.proto == proto && (!modelled || packet.port == port)
                    let keyed = head + (modelled ? [] : [Expression.unknown("th dport of protocol \(proto)")])
                    func take(_ tail: [Expression]) -> ChainVerdict? {
                        defer { index += 1 }
                        return hit ? state.take(Rule(keyed + tail), index, packet, table, peerField) : nil
                    }
                    switch v {
                    case .jump(let c), .goto(let c):
                        guard let target = table.chain(named: c), target.hook == nil else {
                            if let done = take([.unknown("jump to missing chain \(c)")]) { return done }
                            continue
                        }
                        for r in target.rules {
                            if let done = take(r.expressions) { return done }
                        }
                        if case .goto = v, let done = take([.verdict(policyVerdict(chain))]) { return done }
                    case .accept, .drop, .return:
                        if let done = take([.verdict(v == .return ? policyVerdict(chain) : v)]) { return done }
                    }
                }
                continue
            }
            if let done = state.take(rule, index, packet, table, peerField) { return done }
            index += 1
        }
        return state.end(policy: chain)
    }

    static func policyVerdict(_ chain: Chain) -> Verdict { chain.hook?.policy == .drop ? .drop : .accept }

    /// First-match state along the rules a packet meets.
    struct Walk {
        var uncertain: [Int] = []
        var limited: (rule: Int, verdict: Verdict)? = nil

        /// Applies rule `i`; a verdict when it decides the packet.
        mutating func take(_ rule: Rule, _ i: Int, _ packet: Packet, _ table: Table, _ peerField: AddressField) -> ChainVerdict? {
            let r = step(rule, packet, table, peerField)
            guard r.matched else { return nil }
            if r.unsure { uncertain.append(i); return nil }
            guard let verdict = r.verdict else { return nil }
            if r.limited {
                if limited == nil { limited = (i, verdict) }
                return nil
            }
            return finish(final: i, verdict: verdict)
        }

        func finish(final i: Int?, verdict: Verdict) -> ChainVerdict {
            var v = ChainVerdict.combine(first: limited?.rule, firstVerdict: limited?.verdict, limited: limited != nil, final: i, finalVerdict: verdict)
            v.uncertain = uncertain
            return v
        }

        func end(policy chain: Chain) -> ChainVerdict { finish(final: nil, verdict: NaiveEvaluator.policyVerdict(chain)) }
    }

    /// Whether one rule matches the packet, whether it has parts that cannot be evaluated,
    /// whether it is rate-limited, and its accept/drop verdict.
    static func step(_ rule: Rule, _ packet: Packet, _ table: Table, _ peerField: AddressField)
        -> (matched: Bool, unsure: Bool, limited: Bool, verdict: Verdict?) {
        var unsure = false
        var isLimited = false
        var verdict: Verdict? = nil
        var matched = true
        for e in rule.expressions where matched {
            switch e {
            case .address(let family, let field, let match):
                guard packet.family == family else { matched = false; break }
                if field != peerField { unsure = true; break }
                matched = contains(match, packet.address(field), table: table)
            case .port(let proto, let field, let match):
                guard packet.proto == proto.number else { matched = false; break }
                if field != .dport { unsure = true; break }
                guard let port = packet.port else { matched = false; break }
                switch match {
                case .range(let r): matched = r.closedRange.contains(port)
                case .anonymousSet(let rs): matched = rs.contains { $0.closedRange.contains(port) }
                }
            case .l4proto(let p):
                matched = packet.proto == p
            case .nfproto(let f):
                matched = packet.family == f
            case .icmpType(let family, let types):
                let icmp: UInt8 = family == .v4 ? 1 : 58
                matched = packet.family == family && packet.proto == icmp && packet.icmpType.map(types.contains) == true
            case .ctState(let states):
                matched = states.contains(.new)
            case .interface(_, let name):
                if name == "lo" { matched = false } else { unsure = true }
            case .counter, .log:
                break
            case .limit:
                isLimited = true
            case .verdict(let v):
                switch v {
                case .accept, .drop: verdict = v
                default: unsure = true
                }
            case .originalDestination(let family, _):
                guard packet.family == family else { matched = false; break }
                unsure = true
            case .originalPort(let proto, _):
                guard packet.proto == proto.number else { matched = false; break }
                unsure = true
            case .unknown, .dispatch, .sameLinkRoute:
                unsure = true
            }
        }
        return (matched, unsure, isLimited, verdict)
    }

    private static func contains(_ match: AddressMatch, _ address: IPAddress, table: Table) -> Bool {
        func inRange(_ r: AddressRange) -> Bool { r.family == address.family && r.lower <= address && address <= r.upper }
        switch match {
        case .range(let r): return inRange(r)
        case .anonymousSet(let rs): return rs.contains(where: inRange)
        case .set(let name):
            guard let set = table.set(named: name) else { return false }
            return set.elements.contains { if case .address(let r) = $0 { inRange(r) } else { false } }
        }
    }
}
