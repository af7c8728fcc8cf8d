import FwctlEvaluator
import FwctlNet
import FwctlRuleset
import FwctlVerifier

/// Packets at and around every boundary that one or more tables mention: each address range's
/// ends and their neighbours, each port range's ends and neighbours, every protocol and ICMP
/// type named. Any behaviour change between two chains over these tables shows on one of them
/// unless it hides strictly inside a piece both tables treat alike, which mutations of single
/// bounds cannot make.
enum BoundaryPackets {
    static func packets(_ tables: [Table], peerField: AddressField) -> [Packet] {
        var peers: [IPFamily: Set<UInt128>] = [.v4: [0, 0xffff_ffff], .v6: [0, UInt128.max]]
        var ports: Set<UInt16> = [0, 1, 65535]
        var protos: Set<UInt8> = [6, 17, 132, 1, 58, 47, 112]
        var types: Set<UInt8> = [0, 255]
        func add(_ r: AddressRange) {
            let top: UInt128 = r.family == .v4 ? 0xffff_ffff : .max
            let (lo, hi) = (wide(r.lower), wide(r.upper))
            peers[r.family]!.formUnion([lo, hi, lo == 0 ? 0 : lo - 1, hi == top ? hi : hi + 1])
        }
        func add(_ p: PortRange) { ports.formUnion([p.lower, p.upper, p.lower &- 1, p.upper &+ 1]) }
        for table in tables {
            for set in table.sets { for case .address(let r) in set.elements { add(r) } }
            // A dispatch map's keys are ports the chains it jumps to decide on.
            for set in table.sets { for case .dispatch(_, let port, _) in set.elements { add(PortRange(port)) } }
            for rule in table.chains.flatMap(\.rules) {
                for e in rule.expressions {
                    switch e {
                    case .address(_, _, .range(let r)): add(r)
                    case .address(_, _, .anonymousSet(let rs)): rs.forEach(add)
                    case .port(_, _, .range(let p)): add(p)
                    case .port(_, _, .anonymousSet(let ps)): ps.forEach(add)
                    case .l4proto(let p): protos.insert(p)
                    case .icmpType(_, let ts): for t in ts { types.formUnion([t, t &- 1, t &+ 1]) }
                    default: break
                    }
                }
            }
        }
        var out: [Packet] = []
        for family in IPFamily.allCases {
            let local = family == .v4 ? IPAddress.v4(0x0a00_00fe) : IPAddress.v6(0xfe)
            for value in peers[family]!.sorted() {
                let peer = family == .v4 ? IPAddress.v4(UInt32(value)) : IPAddress.v6(value)
                let (s, d) = peerField == .saddr ? (peer, local) : (local, peer)
                for proto in protos.sorted() {
                    if proto == 6 || proto == 17 || proto == 132 {
                        out += ports.sorted().map { Packet(family: family, source: s, destination: d, proto: proto, port: $0) }
                    } else if proto == (family == .v4 ? 1 : 58) {
                        out += types.sorted().map { Packet(family: family, source: s, destination: d, proto: proto, icmpType: $0) }
                    } else {
                        out.append(Packet(family: family, source: s, destination: d, proto: proto))
                    }
                }
            }
        }
        return out
    }

    static func wide(_ a: IPAddress) -> UInt128 {
        switch a {
        case .v4(let v): UInt128(v)
        case .v6(let v): v
        }
    }
}
