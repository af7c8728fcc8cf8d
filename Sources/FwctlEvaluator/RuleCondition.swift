import FwctlNet
import FwctlRuleset

/// What one rule matches among NEW, non-loopback packets, lowered from its expressions.
///
/// Every constraint is a conjunction, so two matches of one field intersect. What the
/// verifier cannot decide from the packet fields it models (the local address, source
/// ports, other interfaces, expressions fwctl does not generate, jumps) is dropped from the
/// constraint and named in `uncertain`: the condition then over-approximates the rule, and
/// the evaluator never lets such a rule decide (see `ChainEvaluator`).
/// A class so the evaluator's loops share rather than copy it; never changed after `init`.
final class RuleCondition: @unchecked Sendable {
    /// Families the rule can match.
    var v4 = true
    var v6 = true
    /// Peer addresses per family; nil: any address.
    var peer4: Spans<UInt128>?
    var peer6: Spans<UInt128>?
    /// The keys of the address matches that made `peer4`/`peer6` (for sharing work).
    var peerKey: [AddressMatch] = []
    /// Protocols; nil: any.
    var protos: Spans<UInt8>?
    /// Destination ports per port protocol; a protocol absent here is not constrained.
    var ports: [UInt8: Spans<UInt16>] = [:]
    /// ICMP / ICMPv6 types (the family is constrained separately).
    var icmpTypes: Spans<UInt8>?
    /// The rule can match no NEW non-loopback packet (ct state without `new`, `iif "lo"`):
    /// it is outside what the verifier evaluates, and never reported as unreachable.
    var outOfScope: String?
    /// Why the condition is wider than the rule, when it is.
    var uncertain: [String] = []
    /// The final verdict, if it is accept or drop.
    var verdict: Verdict?
    /// The rule carries a `limit`: it takes packets only up to a rate.
    var limited = false

    init(_ rule: Rule, peerField: AddressField, sets: SetLookup) {
        for e in rule.expressions { add(e, peerField: peerField, sets: sets) }
    }

    var terminal: Bool { verdict != nil }

    func peers(_ family: IPFamily) -> Spans<UInt128>? { family == .v4 ? peer4 : peer6 }
    func allows(_ family: IPFamily) -> Bool { family == .v4 ? v4 : v6 }

    private func restrict(to family: IPFamily) {
        if family == .v4 { v6 = false } else { v4 = false }
    }

    private func restrictProtos(_ p: UInt8) {
        let one = Spans(p...p)
        protos = protos.map { $0.intersection(one) } ?? one
    }

    private func add(_ e: Expression, peerField: AddressField, sets: SetLookup) {
        switch e {
        case .address(let family, let field, let match):
            restrict(to: family)
            guard field == peerField else {
                uncertain.append("matches the \(field.rawValue) of the host itself")
                return
            }
            let set = sets.addresses(match, family: family)
            if set.missing { uncertain.append("refers to a set the table lacks") }
            peerKey.append(match)
            if family == .v4 { peer4 = peer4.map { $0.intersection(set.values) } ?? set.values }
            else { peer6 = peer6.map { $0.intersection(set.values) } ?? set.values }
        case .port(let proto, let field, let match):
            restrictProtos(proto.number)
            guard field == .dport else {
                uncertain.append("matches source ports")
                return
            }
            let set: Spans<UInt16>
            switch match {
            case .range(let r): set = Spans(r.closedRange)
            case .anonymousSet(let rs): set = Spans(unsorted: rs.map(\.closedRange))
            }
            ports[proto.number] = ports[proto.number].map { $0.intersection(set) } ?? set
        case .l4proto(let p):
            restrictProtos(p)
        case .nfproto(let family):
            restrict(to: family)
        case .icmpType(let family, let types):
            restrict(to: family)
            restrictProtos(family.icmpProtocol)
            let set = Spans(unsorted: types.map { $0...$0 })
            icmpTypes = icmpTypes.map { $0.intersection(set) } ?? set
        case .ctState(let states):
            // Evaluated packets are NEW: only a state set naming `new` can match them.
            if !states.contains(.new) { outOfScope = outOfScope ?? "matches only ct state \(states.rawValue) (not new)" }
        case .originalDestination(let family, _):
            // Only a chain seen through `forwardedToHost(local:)` knows what this stands for.
            restrict(to: family)
            uncertain.append("matches the destination a forwarded connection had before DNAT")
        case .originalPort(let proto, let range):
            restrictProtos(proto.number)
            uncertain.append("matches the destination port a forwarded connection had before DNAT (\(proto.rawValue)/\(range))")
        case .sameLinkRoute:
            uncertain.append("matches a route lookup (fib daddr . iif oif exists)")
        case .interface(let direction, let name):
            if name == "lo" { outOfScope = outOfScope ?? "matches only loopback traffic (\(direction.rawValue) lo)" }
            else { uncertain.append("matches interface \(name)") }
        case .counter, .log:
            break
        case .limit:
            limited = true
        case .verdict(let v):
            switch v {
            case .accept, .drop: verdict = v
            case .jump(let c), .goto(let c): uncertain.append("jumps to chain \(c), which the verifier does not follow")
            case .return: uncertain.append("returns, which the verifier does not follow")
            }
        case .unknown(let text):
            uncertain.append("has an expression the verifier does not model: \(text)")
        case .dispatch(let map):
            uncertain.append("dispatches through map \(map), which the verifier does not follow yet")
        }
    }
}

/// Named and anonymous address sets of a table, lowered once to interval sets.
final class SetLookup {
    struct Lowered {
        var values: Spans<UInt128>
        var missing: Bool
    }

    private let table: Table
    private struct Key: Hashable {
        var match: AddressMatch
        var family: IPFamily
    }
    private var cache: [Key: Lowered] = [:]

    init(table: Table) { self.table = table }

    /// The addresses of `family` that `match` stands for. A set the table lacks matches nothing.
    func addresses(_ match: AddressMatch, family: IPFamily) -> Lowered {
        let key = Key(match: match, family: family)
        if let hit = cache[key] { return hit }
        var ranges: [AddressRange] = []
        var missing = false
        switch match {
        case .range(let r): ranges = [r]
        case .anonymousSet(let rs): ranges = rs
        case .set(let name):
            if let set = table.set(named: name) {
                for case .address(let r) in set.elements { ranges.append(r) }
            } else {
                missing = true
            }
        }
        let values = Spans(unsorted: ranges.filter { $0.family == family }.map { $0.lower.wide...$0.upper.wide })
        let lowered = Lowered(values: values, missing: missing)
        cache[key] = lowered
        return lowered
    }
}
