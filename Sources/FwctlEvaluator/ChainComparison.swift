import FwctlNet
import FwctlRuleset

/// A class of packets that two versions of a chain decide differently.
public struct ChainDifference: Hashable, Sendable, CustomStringConvertible {
    public var packets: PacketClass
    public var old: ChainVerdict
    public var new: ChainVerdict

    /// `ip saddr 10.0.0.0/24 tcp dport 22: accept (rule 3) -> drop (policy)`.
    public var description: String { "\(packets): \(old) -> \(new)" }
}

extension ChainEvaluator {
    /// Every class of NEW packets that `old` and `new` decide differently (accept, drop or a
    /// rate-limited outcome; which rule decides does not count). Exact: both chains are
    /// evaluated over one partition cut at the boundaries of both, so cells match one to one.
    /// For drift (a table read back from the kernel against the compiled one) and mutations.
    public static func compare(_ old: Chain, in oldTable: Table, with new: Chain, in newTable: Table, peerField: AddressField) -> [ChainDifference] {
        let both = evaluate([(old, oldTable), (new, newTable)], peerField: peerField)
        let (a, b) = (both[0], both[1])
        var out: [ChainDifference] = []
        for (sa, sb) in zip(a.spaces, b.spaces) {
            let pieces = sa.services.pieces
            var addresses: [AddressSet]? = nil
            for k in 0..<sa.addresses.classCount {
                let da = sa.deciders.row(class: k, pieces: pieces.count), la = sa.limits.row(class: k, pieces: pieces.count)
                let db = sb.deciders.row(class: k, pieces: pieces.count), lb = sb.limits.row(class: k, pieces: pieces.count)
                var groups: [DifferenceKey: Int] = [:]
                var found: [(key: DifferenceKey, values: IntervalSet<UInt16>)] = []
                for (p, piece) in pieces.enumerated() {
                    let va = a.verdict(decider: Int(da[p]), limited: Int(la[p])), vb = b.verdict(decider: Int(db[p]), limited: Int(lb[p]))
                    guard va.verdict != vb.verdict else { continue }
                    let key = DifferenceKey(piece: piece.kind == .unnamed ? -1 : Int(piece.proto), old: va, new: vb)
                    let range = UInt16(piece.lo)...UInt16(piece.hi)
                    if let g = groups[key] { found[g].values.insert(range) } else {
                        groups[key] = found.count
                        found.append((key, IntervalSet([range])))
                    }
                }
                guard !found.isEmpty else { continue }
                if addresses == nil { addresses = sa.addresses.classAddresses() }
                for g in found {
                    out.append(ChainDifference(packets: a.packetClass(sa, piece: g.key.piece, peers: addresses![k], values: g.values),
                                               old: g.key.old, new: g.key.new))
                }
            }
        }
        return out
    }
}

private struct DifferenceKey: Hashable {
    var piece: Int
    var old: ChainVerdict
    var new: ChainVerdict
}

extension PacketClass {
    /// Whether a packet belongs to the class.
    public func contains(_ packet: Packet) -> Bool {
        guard packet.family == family, peers.contains(packet.address(peerField)), protocols.contains(packet.proto) else { return false }
        if let ports { guard let port = packet.port, ports.contains(port) else { return false } }
        if let icmpTypes { guard let t = packet.icmpType, icmpTypes.contains(t) else { return false } }
        return true
    }
}
