import FwctlNet
import FwctlRuleset

/// `meta nfproto ipv4`, `meta l4proto vrrp`, `iif "lo"` / `oif "lo"`: a meta load and a compare.
///
/// nfproto and l4proto are one byte; iif/oif compare the 4-byte interface index (host
/// order) of the namespace the rule lives in, which is why encoding needs the namespace.
enum MetaMatchCodec {
    static func encodeNfproto(_ f: IPFamily) -> [KernelExpr] {
        Lowering.metaByte(NFT.metaNFProto, f == .v4 ? NFT.nfprotoIPv4 : NFT.nfprotoIPv6)
    }

    static func decodeNfproto(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard let p = c.metaByte(NFT.metaNFProto), let f = family(p) else { return nil }
        return .nfproto(f)
    }

    static func family(_ nfproto: UInt8) -> IPFamily? {
        switch nfproto {
        case NFT.nfprotoIPv4: .v4
        case NFT.nfprotoIPv6: .v6
        default: nil
        }
    }

    static func encodeL4proto(_ p: UInt8) -> [KernelExpr] { Lowering.metaByte(NFT.metaL4Proto, p) }

    static func decodeL4proto(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        c.metaByte(NFT.metaL4Proto).map { .l4proto($0) }
    }

    static func key(_ d: InterfaceDirection) -> UInt32 { d == .iif ? NFT.metaIIF : NFT.metaOIF }

    static func encodeInterface(_ d: InterfaceDirection, index: UInt32) -> [KernelExpr] {
        [.meta(key: key(d), dreg: NFT.reg1), Lowering.cmp(NFT.cmpEq, withUnsafeBytes(of: index) { Array($0) })]
    }

    static func decodeInterface(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard case .meta(let k, NFT.reg1)? = c.next(),
              let dir = [InterfaceDirection.iif, .oif].first(where: { key($0) == k }),
              let d = c.cmp(NFT.cmpEq), d.count == 4 else { return nil }
        let index = d.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        guard let name = ctx.interfaceName(index) else { return nil }
        return .interface(direction: dir, name: name)
    }
}
