import FwctlRuleset

/// `ct state established,related`: ct load state, bitwise with the state mask, compare
/// not-equal zero — the same three expressions nft emits even for a single state.
enum CtStateCodec {
    static func encode(_ s: CtStates) -> [KernelExpr] {
        // The conntrack state is a host-order u32 in the register.
        let mask = withUnsafeBytes(of: s.rawValue) { Array($0) }
        return [.ct(key: NFT.ctState, dreg: NFT.reg1),
                .bitwise(sreg: NFT.reg1, dreg: NFT.reg1, mask: mask, xor: [0, 0, 0, 0]),
                Lowering.cmp(NFT.cmpNeq, [0, 0, 0, 0])]
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard case .ct(NFT.ctState, NFT.reg1)? = c.next(),
              case .bitwise(NFT.reg1, NFT.reg1, let mask, let xor)? = c.next(),
              mask.count == 4, xor == [0, 0, 0, 0],
              c.cmp(NFT.cmpNeq) == [0, 0, 0, 0] else { return nil }
        return .ctState(CtStates(rawValue: mask.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
    }
}
