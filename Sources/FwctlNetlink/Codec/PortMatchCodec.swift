import FwctlNet
import FwctlRuleset

/// `tcp dport 443`, `udp sport 1000-2000`, `tcp dport { 80, 443, 8000-8100 }`.
///
/// nft (inet table): `meta l4proto` check, a 2-byte transport-header load (sport at 0,
/// dport at 2), then a compare, `cmp gte` + `cmp lte`, or an anonymous inet_service set.
enum PortMatchCodec {
    static func offset(_ field: PortField) -> UInt32 { field == .sport ? 0 : 2 }

    static func encode(proto: PortProtocol, field: PortField, match: PortMatch, context: inout EncodeContext) -> [KernelExpr] {
        var out = MetaMatchCodec.encodeL4proto(proto.number)
        out.append(Lowering.payload(NFT.transportHeader, offset: offset(field), len: 2))
        switch match {
        case .range(let r) where r.isSingle:
            out.append(Lowering.cmp(NFT.cmpEq, bytes(r.lower)))
        case .range(let r):
            out += Lowering.cmpRange(bytes(r.lower), bytes(r.upper))
        case .anonymousSet(let ranges):
            out.append(context.addAnonymousSet(key: .inetService, origin: .port(proto, field), ranges: ranges.map { SetElement.port($0).keyRange }))
        }
        return out
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard let number = c.metaByte(NFT.metaL4Proto),
              let proto = PortProtocol.allCases.first(where: { $0.number == number }),
              let (at, len) = c.payload(NFT.transportHeader), len == 2,
              let field = [PortField.sport, .dport].first(where: { offset($0) == at }),
              let next = c.peek else { return nil }
        func result(_ m: PortMatch) -> Expression { .port(proto: proto, field: field, match: m) }
        switch next {
        case .cmp(NFT.cmpEq, _, _):
            guard let d = c.cmp(NFT.cmpEq), d.count == 2 else { return nil }
            return result(.range(PortRange(port(d))))
        case .cmp(NFT.cmpGte, _, _):
            guard let (lo, hi) = c.cmpRange(length: 2), port(lo) <= port(hi) else { return nil }
            return result(.range(PortRange(port(lo), port(hi))))
        case .lookup:
            guard let name = c.lookup(),
                  let ranges = ctx.anonymousRanges(name, key: .inetService) else { return nil }
            return result(.anonymousSet(ranges.map { PortRange(UInt16($0.lowerBound), UInt16($0.upperBound)) }))
        default:
            return nil
        }
    }

    static func bytes(_ p: UInt16) -> [UInt8] { [UInt8(p >> 8), UInt8(p & 0xff)] }
    static func port(_ b: [UInt8]) -> UInt16 { UInt16(b[0]) << 8 | UInt16(b[1]) }
}
