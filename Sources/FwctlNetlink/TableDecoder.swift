import CNftnl
import FwctlRuleset

/// Turns dumped libnftnl objects into model values (the mirror of `Transaction+Encode`).
enum TableDecoder {
    static func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }

    static func chain(_ c: NftnlObject, table: String, family: TableFamily) -> Chain? {
        guard string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_TABLE))) == table else { return nil }
        var chain = Chain(name: string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_NAME))),
                          handle: nftnl_chain_get_u64(c.ptr, attr(NFTNL_CHAIN_HANDLE)))
        if nftnl_chain_is_set(c.ptr, attr(NFTNL_CHAIN_HOOKNUM)),
           let hook = Hook(number: nftnl_chain_get_u32(c.ptr, attr(NFTNL_CHAIN_HOOKNUM)), family: family) {
            chain.hook = BaseChainHook(type: ChainType(rawValue: string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_TYPE)))) ?? .filter,
                                       hook: hook, priority: nftnl_chain_get_s32(c.ptr, attr(NFTNL_CHAIN_PRIO)),
                                       policy: nftnl_chain_get_u32(c.ptr, attr(NFTNL_CHAIN_POLICY)) == 1 ? .accept : .drop)
        }
        if nftnl_chain_is_set(c.ptr, attr(NFTNL_CHAIN_USERDATA)) {
            var len: UInt32 = 0
            let u = UserData(bytes: copyBytes(nftnl_chain_get_data(c.ptr, attr(NFTNL_CHAIN_USERDATA), &len), len))
            chain.comment = u.string(UserData.chainComment)
        }
        return chain
    }

    enum DecodedSet {
        case named(NamedSet)
        case anonymous(SetKeyFormat, interval: Bool)
    }

    /// A dumped set; nil for sets fwctl's model cannot hold (maps, other key types).
    static func set(_ s: NftnlObject, elements: [KernelSetElement]) -> DecodedSet? {
        let flags = nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_FLAGS))
        var udata = UserData()
        if nftnl_set_is_set(s.ptr, attr(NFTNL_SET_USERDATA)) {
            var len: UInt32 = 0
            udata = UserData(bytes: copyBytes(nftnl_set_get_data(s.ptr, attr(NFTNL_SET_USERDATA), &len), len))
        }
        let key = SetKeyFormat(datatype: nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_KEY_TYPE)),
                               length: Int(nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_KEY_LEN))),
                               byteorder: udata.u32(UserData.setKeyByteorder) ?? 0)
        let interval = flags & NFT.setInterval != 0
        if flags & NFT.setAnonymous != 0 { return .anonymous(key, interval: interval) }
        // NFT_SET_MAP / OBJECT / concatenations: not something fwctl models.
        guard flags & 0x18 == 0, let type = key.keyType, key.length == SetKeyFormat(type).length else { return nil }
        let ranges = SetElementCodec.ranges(elements, interval: interval)
        return .named(NamedSet(name: string(nftnl_set_get_str(s.ptr, attr(NFTNL_SET_NAME))), keyType: type,
                               isInterval: interval, comment: udata.string(UserData.setComment),
                               elements: ranges.compactMap { SetElement($0, type: type) },
                               handle: nftnl_set_get_u64(s.ptr, attr(NFTNL_SET_HANDLE))))
    }

    static func elements(of s: NftnlObject) -> [KernelSetElement] {
        guard let it = nftnl_set_elems_iter_create(s.ptr) else { return [] }
        defer { nftnl_set_elems_iter_destroy(it) }
        var out: [KernelSetElement] = []
        // iter_next returns the current element and advances (nil past the last).
        while let elem = nftnl_set_elems_iter_next(it) { out.append(SetMessages.kernelElement(elem)) }
        return out
    }

    static func rule(_ r: NftnlObject, context: DecodeContext) -> Rule {
        var exprs: [KernelExpr] = []
        if let it = nftnl_expr_iter_create(r.ptr) {
            defer { nftnl_expr_iter_destroy(it) }
            while let e = nftnl_expr_iter_next(it) { exprs.append(KernelExpr(nftnl: e)) }
        }
        var comment: String?
        if nftnl_rule_is_set(r.ptr, attr(NFTNL_RULE_USERDATA)) {
            var len: UInt32 = 0
            comment = UserData(bytes: copyBytes(nftnl_rule_get_data(r.ptr, attr(NFTNL_RULE_USERDATA), &len), len))
                .string(UserData.ruleComment)
        }
        return Rule(RuleCodec.decode(exprs, context: context), comment: comment,
                    handle: nftnl_rule_get_u64(r.ptr, attr(NFTNL_RULE_HANDLE)))
    }
}
