import FwctlNet
import FwctlRuleset

extension ChainAnalysis {
    /// The decision for every class: which rule decided it. Cells of one address class and
    /// protocol that the same rules decide are merged, so the list is as short as the chain allows.
    public var decisions: [(PacketClass, ChainVerdict)] {
        var out: [(PacketClass, ChainVerdict)] = []
        for s in spaces {
            let addresses = s.addresses.classAddresses()
            let pieces = s.services.pieces
            for k in 0..<s.addresses.classCount {
                // Group the class's pieces by protocol and by who decides them, keeping order.
                var groups: [GroupKey: Int] = [:]
                var found: [(key: GroupKey, values: IntervalSet<UInt16>)] = []
                let deciders = s.deciders.row(class: k, pieces: pieces.count), limits = s.limits.row(class: k, pieces: pieces.count)
                for (p, piece) in pieces.enumerated() {
                    let key = GroupKey(piece: piece.kind == .unnamed ? -1 : Int(piece.proto), decider: deciders[p], limited: limits[p])
                    if let g = groups[key] { found[g].values.insert(UInt16(piece.lo)...UInt16(piece.hi)) } else {
                        groups[key] = found.count
                        found.append((key, IntervalSet([UInt16(piece.lo)...UInt16(piece.hi)])))
                    }
                }
                for g in found {
                    out.append((packetClass(s, piece: g.key.piece, peers: addresses[k], values: g.values), verdict(decider: Int(g.key.decider), limited: Int(g.key.limited))))
                }
            }
        }
        return out
    }

    /// Admitted packets as boxes (family, peer addresses, protocol, ports or types): per
    /// address class the admitted ports of each protocol, then classes admitting exactly the
    /// same ports merged. For matrices and comparison.
    public var admitted: [AdmittedBox] {
        var out: [AdmittedBox] = []
        for s in spaces {
            let addresses = s.addresses.classAddresses()
            let pieces = s.services.pieces
            var shapes: [AdmittedBox.Shape: Int] = [:]
            for k in 0..<s.addresses.classCount {
                var perProto: [ProtoKey: IntervalSet<UInt16>] = [:]
                var order: [ProtoKey] = []
                let deciders = s.deciders.row(class: k, pieces: pieces.count), limits = s.limits.row(class: k, pieces: pieces.count)
                for (p, piece) in pieces.enumerated() {
                    let v = verdict(decider: Int(deciders[p]), limited: Int(limits[p]))
                    guard v.verdict.admits else { continue }
                    let key = ProtoKey(piece: piece.kind == .unnamed ? -1 : Int(piece.proto), rateLimited: v.verdict != .accept)
                    if perProto[key] == nil { order.append(key) }
                    perProto[key, default: IntervalSet()].insert(UInt16(piece.lo)...UInt16(piece.hi))
                }
                for key in order {
                    let c = packetClass(s, piece: key.piece, peers: addresses[k], values: perProto[key]!)
                    let box = AdmittedBox(family: c.family, peers: c.peers, protocols: c.protocols, ports: c.ports,
                                          icmpTypes: c.icmpTypes, rateLimited: key.rateLimited)
                    if let i = shapes[box.shape] { out[i].peers.formUnion(box.peers) } else {
                        shapes[box.shape] = out.count
                        out.append(box)
                    }
                }
            }
        }
        return out
    }

    /// The class of `peers` × one protocol (`piece` < 0: the unnamed ones) × `values` (ports or types).
    func packetClass(_ s: FamilySpace, piece: Int, peers: AddressSet, values: IntervalSet<UInt16>) -> PacketClass {
        let family = s.addresses.family
        guard piece >= 0 else {
            return PacketClass(family: family, peerField: peerField, peers: peers, protocols: s.services.named.complement)
        }
        let proto = UInt8(piece)
        let one = IntervalSet([proto...proto])
        if hasPorts(proto) {
            return PacketClass(family: family, peerField: peerField, peers: peers, protocols: one, ports: values)
        }
        if proto == family.icmpProtocol {
            return PacketClass(family: family, peerField: peerField, peers: peers, protocols: one,
                               icmpTypes: IntervalSet(values.intervals.map { UInt8($0.lowerBound)...UInt8($0.upperBound) }))
        }
        return PacketClass(family: family, peerField: peerField, peers: peers, protocols: one)
    }
}

private struct ProtoKey: Hashable {
    var piece: Int
    var rateLimited: Bool
}

private struct GroupKey: Hashable {
    var piece: Int
    var decider: Int32
    var limited: Int32
}
