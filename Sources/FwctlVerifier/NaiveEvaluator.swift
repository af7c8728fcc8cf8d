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
        var uncertain: [Int] = []
        var limited: (rule: Int, verdict: Verdict)? = nil
        for (i, rule) in chain.rules.enumerated() {
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
                case .unknown, .dispatch:
                    unsure = true
                }
            }
            guard matched else { continue }
            if unsure { uncertain.append(i); continue }
            guard let verdict else { continue }
            if isLimited {
                if limited == nil { limited = (i, verdict) }
                continue
            }
            var v = ChainVerdict.combine(first: limited?.rule, firstVerdict: limited?.verdict, limited: limited != nil, final: i, finalVerdict: verdict)
            v.uncertain = uncertain
            return v
        }
        let policy: Verdict = chain.hook?.policy == .drop ? .drop : .accept
        var v = ChainVerdict.combine(first: limited?.rule, firstVerdict: limited?.verdict, limited: limited != nil, final: nil, finalVerdict: policy)
        v.uncertain = uncertain
        return v
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
