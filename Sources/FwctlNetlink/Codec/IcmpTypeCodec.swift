import FwctlNet
import FwctlRuleset

/// `icmp type echo-request`, `icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }`.
///
/// nft (inet table): `meta nfproto` (left out after an address match of the same family)
/// and `meta l4proto` (icmp 1 / ipv6-icmp 58) checks, a
/// 1-byte load at transport header + 0, then a compare or an anonymous icmp(v6)_type set.
/// Types decode in ascending order (the order nft lists them).
enum IcmpTypeCodec {
    static func l4proto(_ f: IPFamily) -> UInt8 { f == .v4 ? 1 : 58 }
    static func key(_ f: IPFamily) -> SetKeyFormat { f == .v4 ? .icmpType : .icmpv6Type }

    /// `familyChecked`: an earlier match of the rule already checked the family, and nft
    /// then writes no `meta nfproto` here (`ip saddr @x icmp type echo-request`).
    static func encode(family: IPFamily, types: [UInt8], familyChecked: Bool = false, context: inout EncodeContext) -> [KernelExpr] {
        var out = (familyChecked ? [] : MetaMatchCodec.encodeNfproto(family)) + MetaMatchCodec.encodeL4proto(l4proto(family))
        out.append(Lowering.payload(NFT.transportHeader, offset: 0, len: 1))
        if types.count == 1 {
            out.append(Lowering.cmp(NFT.cmpEq, types))
        } else {
            out.append(context.addAnonymousSet(key: key(family), origin: .icmpType(family), ranges: types.sorted().map { UInt128($0)...UInt128($0) }))
        }
        return out
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        var probe = c
        let family: IPFamily
        if let p = probe.metaByte(NFT.metaNFProto), let f = MetaMatchCodec.family(p) {
            family = f
            c = probe
        } else if let f = c.establishedFamily {
            family = f
        } else {
            return nil
        }
        guard c.metaByte(NFT.metaL4Proto) == l4proto(family),
              let (at, len) = c.payload(NFT.transportHeader), at == 0, len == 1 else { return nil }
        switch c.peek {
        case .cmp(NFT.cmpEq, _, _)?:
            guard let d = c.cmp(NFT.cmpEq), d.count == 1 else { return nil }
            return .icmpType(family: family, types: d)
        case .lookup?:
            guard let name = c.lookup(), let ranges = ctx.anonymousRanges(name, key: key(family)) else { return nil }
            return .icmpType(family: family, types: ranges.flatMap { $0 }.map { UInt8($0) })
        default:
            return nil
        }
    }
}
