import FwctlNet
import FwctlRuleset

/// `ip saddr @set`, `ip6 daddr 2001:db8::/64`, `ip saddr 10.0.0.1-10.0.0.9`, `ip daddr { ... }`.
///
/// nft (inet table): `meta nfproto` check, then a network-header payload load of the
/// address, then a lookup, a compare, a shorter load + compare for byte-aligned prefixes,
/// a bitwise mask + compare for other prefixes, or `cmp gte` + `cmp lte` for ranges.
enum AddressMatchCodec {
    static func offset(_ family: IPFamily, _ field: AddressField) -> UInt32 {
        switch (family, field) {
        case (.v4, .saddr): 12
        case (.v4, .daddr): 16
        case (.v6, .saddr): 8
        case (.v6, .daddr): 24
        }
    }

    static func encode(family: IPFamily, field: AddressField, match: AddressMatch, context: inout EncodeContext) -> [KernelExpr] {
        var out = MetaMatchCodec.encodeNfproto(family)
        let full = UInt32(family.bits / 8)
        let at = offset(family, field)
        let load = Lowering.payload(NFT.networkHeader, offset: at, len: full)
        switch match {
        case .set(let name):
            out += [load, .lookup(sreg: NFT.reg1, set: name, setID: nil)]
        case .anonymousSet(let ranges):
            out += [load, context.addAnonymousSet(key: .family(family), origin: .address(family, field), ranges: ranges.map { SetElement.address($0).keyRange })]
        case .range(let r) where r.isSingle:
            out += [load, Lowering.cmp(NFT.cmpEq, r.lower.bytes)]
        case .range(let r):
            if let p = r.prefixLength, p % 8 == 0, p > 0 {
                out += [Lowering.payload(NFT.networkHeader, offset: at, len: UInt32(p / 8)),
                        Lowering.cmp(NFT.cmpEq, Array(r.lower.bytes.prefix(p / 8)))]
            } else if let p = r.prefixLength {
                out += [load, .bitwise(sreg: NFT.reg1, dreg: NFT.reg1, mask: mask(prefix: p, bytes: Int(full)),
                                       xor: Array(repeating: 0, count: Int(full))),
                        Lowering.cmp(NFT.cmpEq, r.lower.bytes)]
            } else {
                out += [load] + Lowering.cmpRange(r.lower.bytes, r.upper.bytes)
            }
        }
        return out
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        guard let proto = c.metaByte(NFT.metaNFProto), let family = MetaMatchCodec.family(proto),
              let (at, len) = c.payload(NFT.networkHeader) else { return nil }
        guard let field = [AddressField.saddr, .daddr].first(where: { offset(family, $0) == at }) else { return nil }
        let full = family.bits / 8
        func address(_ b: [UInt8]) -> IPAddress? { IPAddress(family: family, bytes: b) }
        func result(_ m: AddressMatch) -> Expression { .address(family: family, field: field, match: m) }

        if Int(len) < full {
            // Byte-aligned prefix: a shorter load compared with the prefix bytes.
            guard len > 0, let d = c.cmp(NFT.cmpEq), d.count == Int(len),
                  let a = address(d + Array(repeating: 0, count: full - d.count)),
                  let r = AddressRange(prefix: a, length: Int(len) * 8) else { return nil }
            return result(.range(r))
        }
        guard Int(len) == full, let next = c.peek else { return nil }
        switch next {
        case .lookup:
            guard let name = c.lookup() else { return nil }
            if ctx.anonymousSets[name] == nil { return result(.set(name)) }
            guard let ranges = ctx.anonymousRanges(name, key: .family(family)) else { return nil }
            let elements = ranges.compactMap { SetElement($0, type: family == .v4 ? .ipv4Addr : .ipv6Addr) }
            let list: [AddressRange] = elements.compactMap { if case .address(let r) = $0 { r } else { nil } }
            return result(.anonymousSet(list))
        case .cmp(NFT.cmpEq, _, _):
            guard let d = c.cmp(NFT.cmpEq), let a = address(d) else { return nil }
            return result(.range(AddressRange(a)))
        case .cmp(NFT.cmpGte, _, _):
            guard let (lo, hi) = c.cmpRange(length: full), let a = address(lo), let b = address(hi), !(b < a) else { return nil }
            return result(.range(AddressRange(lower: a, upper: b)))
        case .bitwise(NFT.reg1, NFT.reg1, let m, let x):
            _ = c.next()
            guard x.allSatisfy({ $0 == 0 }), let p = prefixLength(mask: m), m.count == full,
                  let d = c.cmp(NFT.cmpEq), let a = address(d), let r = AddressRange(prefix: a, length: p),
                  r.lower == a else { return nil }
            return result(.range(r))
        default:
            return nil
        }
    }

    static func mask(prefix: Int, bytes: Int) -> [UInt8] {
        (0..<bytes).map { i in
            let bits = min(max(prefix - 8 * i, 0), 8)
            return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
    }

    /// The prefix length a mask stands for; nil unless it is ones followed by zeros.
    static func prefixLength(mask: [UInt8]) -> Int? {
        let bits: [Bool] = mask.flatMap { (b: UInt8) -> [Bool] in (0..<8).map { (i: Int) -> Bool in b & (UInt8(0x80) >> i) != 0 } }
        let ones = bits.prefix { $0 }.count
        return bits.dropFirst(ones).contains(true) ? nil : ones
    }
}
