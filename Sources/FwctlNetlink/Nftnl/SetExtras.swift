import CNftnl

/// Everything a dumped set or element carries that fwctl never writes, in nft's words, so
/// that the model holds it as a difference (`NamedSet.extras`) instead of dropping it: what
/// fwctl writes for a named set is its name, key, `flags interval` and udata with the key's
/// byte order and a comment; for an element, its key, the interval-end flag and the
/// "open interval" udata flag. Anything else was put there by someone else.
enum SetExtras {
    /// NFT_SET_* flags fwctl writes or that decide the set's kind rather than its shape.
    private static let expectedFlags = NFT.setInterval | NFT.setAnonymous
    private static let flagNames: [UInt32: String] = [
        NFT.setConstant: "constant", NFT.setMap: "map", NFT.setTimeout: "timeout", NFT.setEval: "dynamic",
        NFT.setObject: "objmap", NFT.setConcat: "concat", NFT.setExpr: "expr",
    ]

    static func of(_ s: NftnlObject, udata: UserData) -> [String] {
        var out: [String] = []
        let flags = nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_FLAGS)) & ~expectedFlags
        for bit in 0..<32 where flags & (1 << UInt32(bit)) != 0 {
            out.append("flags " + (flagNames[1 << UInt32(bit)] ?? "0x\(String(1 << UInt32(bit), radix: 16))"))
        }
        func u32(_ a: Int) -> UInt32? {
            nftnl_set_is_set(s.ptr, attr(a)) ? nftnl_set_get_u32(s.ptr, attr(a)) : nil
        }
        if let size = u32(Int(NFTNL_SET_DESC_SIZE.rawValue)), size != 0 { out.append("size \(size)") }
        if let policy = u32(Int(NFTNL_SET_POLICY.rawValue)), policy != 0 { out.append(policy == 1 ? "policy memory" : "policy \(policy)") }
        if nftnl_set_is_set(s.ptr, attr(NFTNL_SET_TIMEOUT)) { out.append("timeout \(nftnl_set_get_u64(s.ptr, attr(NFTNL_SET_TIMEOUT))) ms") }
        if let gc = u32(Int(NFTNL_SET_GC_INTERVAL.rawValue)) { out.append("gc-interval \(gc) ms") }
        out += expressionNames(s).map { $0 }
        for r in udata.records where r.type != UserData.setKeyByteorder && r.type != UserData.setComment {
            switch r.type {
            case UserData.setMergeElements: out.append("auto-merge")
            case UserData.setKeyTypeof: out.append("typeof")
            case UserData.setDataTypeof: out.append("typeof data")
            default: out.append("userdata type \(r.type)")
            }
        }
        return out.sorted()
    }

    /// The names of the set's expressions (`counter` for per-element counters).
    private static func expressionNames(_ s: NftnlObject) -> [String] {
        final class Names { var list: [String] = [] }
        let names = Names()
        _ = nftnl_set_expr_foreach(s.ptr, { e, data in
            let names = Unmanaged<Names>.fromOpaque(data!).takeUnretainedValue()
            names.list.append(e.flatMap { nftnl_expr_get_str($0, attr(NFTNL_EXPR_NAME)) }.map { String(cString: $0) } ?? "expression")
            return 0
        }, Unmanaged.passUnretained(names).toOpaque())
        return names.list
    }

    /// What one dumped element carries beyond its key and interval flags.
    static func of(element e: OpaquePointer, udata: UserData?) -> [String] {
        var out: [String] = []
        func has(_ a: Int) -> Bool { nftnl_set_elem_is_set(e, attr(a)) }
        if has(NFTNL_SET_ELEM_TIMEOUT) || has(NFTNL_SET_ELEM_EXPIRATION) { out.append("element timeouts") }
        if has(NFTNL_SET_ELEM_EXPR) || has(NFTNL_SET_ELEM_EXPRESSIONS) { out.append("element expressions") }
        if has(NFTNL_SET_ELEM_KEY_END) { out.append("element range ends") }
        if has(NFTNL_SET_ELEM_DATA) || has(NFTNL_SET_ELEM_VERDICT)
            || has(NFTNL_SET_ELEM_CHAIN) || has(NFTNL_SET_ELEM_OBJREF) { out.append("element data") }
        let flags = has(NFTNL_SET_ELEM_FLAGS) ? nftnl_set_elem_get_u32(e, attr(NFTNL_SET_ELEM_FLAGS)) : 0
        if flags & ~NFT.elemIntervalEnd != 0 { out.append("element flags \(flags & ~NFT.elemIntervalEnd)") }
        for r in udata?.records ?? [] where r.type != UserData.elemFlags {
            out.append(r.type == UserData.elemComment ? "element comments" : "element userdata type \(r.type)")
        }
        return out
    }
}
