import FwctlRuleset

/// `meta l4proto . th dport vmap @map`, as nft 1.0.6 lowers it: the protocol into the first
/// 32-bit word of register 1, the transport header's bytes 2-3 (the destination port of
/// tcp, udp and sctp) into the next word, and a lookup whose result is the verdict.
enum DispatchCodec {
    static func encode(map: String) -> [KernelExpr] {
        [
            .meta(key: NFT.metaL4Proto, dreg: NFT.reg1),
            .payload(base: NFT.transportHeader, offset: 2, len: 2, dreg: NFT.reg32_01),
            .vmapLookup(sreg: NFT.reg1, set: map),
        ]
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard case .meta(NFT.metaL4Proto, NFT.reg1)? = c.next(),
              case .payload(NFT.transportHeader, 2, 2, NFT.reg32_01)? = c.next(),
              case .vmapLookup(NFT.reg1, let map)? = c.next() else { return nil }
        return .dispatch(map: map)
    }
}
