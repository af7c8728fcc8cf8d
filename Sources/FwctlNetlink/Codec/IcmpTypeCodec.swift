import FwctlNet
import FwctlRuleset

/// `icmp type echo-request`, `icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }`.
///
/// nft (inet table): `meta nfproto` and `meta l4proto` (icmp 1 / ipv6-icmp 58) checks, a
/// 1-byte load at transport header + 0, then a compare or an anonymous icmp(v6)_type set.
/// Types decode in ascending order (the order nft lists them).
enum IcmpTypeCodec {
    static func l4proto(_ f: IPFamily) -> UInt8 { f == .v4 ? 1 : 58 }
    static func key(_ f: IPFamily) -> SetKeyFormat { f == .v4 ? .icmpType : .icmpv6Type }

    static func encode(family: IPFamily, types: [UInt8], context: inout EncodeContext) -> [KernelExpr] {
        var out = MetaMatchCodec.encodeNfproto(family) + MetaMatchCodec.encodeL4proto(l4proto(family))
        out.append(Lowering.payload(NFT.transportHeader, offset: 0, len: 1))
        if types.count == 1 {
            out.append(Lowering.cmp(NFT.cmpEq, types))
        } else {
            out.append(context.addAnonymousSet(key: key(family), origin: .icmpType(family), ranges: types.sorted().map { UInt128($0)...UInt128($0) }))
        }
        return out
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard let p = c.metaByte(NFT.metaNFProto), let family = MetaMatchCodec.family(p),
              c.metaByte(NFT.metaL4Proto) == l4proto(family),
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
