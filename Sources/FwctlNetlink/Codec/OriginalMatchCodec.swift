import FwctlNet
import FwctlRuleset

/// `ct original ip daddr @self_v4`, `meta l4proto tcp ct original proto-dst 8080` and
/// `fib daddr . iif oif exists`: what a forward chain matches a connection on before DNAT.
///
/// nft (inet table): `ct load dst_ip` (`dst_ip6`) with direction original needs no
/// `meta nfproto` check, then a set lookup. `ct original proto-dst` needs its protocol first
/// (`meta l4proto`), then compares 2 bytes (one port) or `cmp gte` + `cmp lte` (a range). The fib lookup with the present flag yields 1 (a 4-byte register) when a route exists.
enum OriginalMatchCodec {
    static func encodeDestination(family: IPFamily, set: String) -> [KernelExpr] {
        [.ctOriginal(key: family == .v4 ? NFT.ctDstIP : NFT.ctDstIP6, dreg: NFT.reg1), .lookup(sreg: NFT.reg1, set: set, setID: nil)]
    }

    static func encodePort(proto: PortProtocol, range r: PortRange) -> [KernelExpr] {
        let load = KernelExpr.ctOriginal(key: NFT.ctProtoDst, dreg: NFT.reg1)
        let compare = r.isSingle ? [Lowering.cmp(NFT.cmpEq, PortMatchCodec.bytes(r.lower))]
                                 : Lowering.cmpRange(PortMatchCodec.bytes(r.lower), PortMatchCodec.bytes(r.upper))
        return MetaMatchCodec.encodeL4proto(proto.number) + [load] + compare
    }

    static func encodeSameLinkRoute() -> [KernelExpr] {
        [.fib(result: NFT.fibResultOIF, flags: NFT.fibDaddrIifPresent, dreg: NFT.reg1), Lowering.cmp(NFT.cmpEq, [1, 0, 0, 0])]
    }

    static func decodeDestination(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard case .ctOriginal(let key, NFT.reg1)? = c.next(), let name = c.lookup(), ctx.anonymousSets[name] == nil else { return nil }
        switch key {
        case NFT.ctDstIP: return .originalDestination(family: .v4, set: name)
        case NFT.ctDstIP6: return .originalDestination(family: .v6, set: name)
        default: return nil
        }
    }

    static func decodePort(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard let number = c.metaByte(NFT.metaL4Proto),
              let proto = PortProtocol.allCases.first(where: { $0.number == number }),
              case .ctOriginal(NFT.ctProtoDst, NFT.reg1)? = c.next() else { return nil }
        switch c.peek {
        case .cmp(NFT.cmpEq, _, _)?:
            guard let d = c.cmp(NFT.cmpEq), d.count == 2 else { return nil }
            return .originalPort(proto: proto, range: PortRange(PortMatchCodec.port(d)))
        case .cmp(NFT.cmpGte, _, _)?:
            guard let (lo, hi) = c.cmpRange(length: 2), PortMatchCodec.port(lo) <= PortMatchCodec.port(hi) else { return nil }
            return .originalPort(proto: proto, range: PortRange(PortMatchCodec.port(lo), PortMatchCodec.port(hi)))
        default:
            return nil
        }
    }

    static func decodeSameLinkRoute(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard case .fib(NFT.fibResultOIF, NFT.fibDaddrIifPresent, NFT.reg1)? = c.next(), c.cmp(NFT.cmpEq) == [1, 0, 0, 0] else { return nil }
        return .sameLinkRoute
    }
}
