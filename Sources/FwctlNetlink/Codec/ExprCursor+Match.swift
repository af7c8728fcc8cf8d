/// Small pattern steps shared by the decoders: each consumes one kernel expression of the
/// expected shape (always register 1, as nft allocates it) or returns nil.
extension ExprCursor {
    mutating func meta(_ key: UInt32) -> Bool {
        guard case .meta(key, NFT.reg1)? = next() else { return false }
        return true
    }

    mutating func cmp(_ op: UInt32) -> [UInt8]? {
        guard case .cmp(op, NFT.reg1, let data)? = next() else { return nil }
        return data
    }

    /// `meta load <key>; cmp eq <one byte>`: the value of the byte.
    mutating func metaByte(_ key: UInt32) -> UInt8? {
        guard meta(key), let d = cmp(NFT.cmpEq), d.count == 1 else { return nil }
        return d[0]
    }

    mutating func payload(_ base: UInt32) -> (offset: UInt32, len: UInt32)? {
        guard case .payload(base, let offset, let len, NFT.reg1)? = next() else { return nil }
        return (offset, len)
    }

    /// `cmp gte a; cmp lte b` (how nft matches a range with `==`).
    mutating func cmpRange(length: Int) -> (lower: [UInt8], upper: [UInt8])? {
        guard let a = cmp(NFT.cmpGte), let b = cmp(NFT.cmpLte), a.count == length, b.count == length else { return nil }
        return (a, b)
    }

    mutating func lookup() -> String? {
        guard case .lookup(NFT.reg1, let name, _)? = next() else { return nil }
        return name
    }

    /// The next expression without consuming it.
    var peek: KernelExpr? { index < exprs.count ? exprs[index] : nil }
}

/// Encoding counterparts of the steps above.
enum Lowering {
    static func metaByte(_ key: UInt32, _ value: UInt8) -> [KernelExpr] {
        [.meta(key: key, dreg: NFT.reg1), .cmp(op: NFT.cmpEq, sreg: NFT.reg1, data: [value])]
    }

    static func cmp(_ op: UInt32, _ data: [UInt8]) -> KernelExpr { .cmp(op: op, sreg: NFT.reg1, data: data) }

    static func cmpRange(_ lower: [UInt8], _ upper: [UInt8]) -> [KernelExpr] {
        [cmp(NFT.cmpGte, lower), cmp(NFT.cmpLte, upper)]
    }

    static func payload(_ base: UInt32, offset: UInt32, len: UInt32) -> KernelExpr {
        .payload(base: base, offset: offset, len: len, dreg: NFT.reg1)
    }
}
