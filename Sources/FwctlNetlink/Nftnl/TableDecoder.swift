import CNftnl
import FwctlRuleset

/// Turns dumped netlink messages into model values (the mirror of `NftnlBuild`): parses
/// each with libnftnl, copies what it needs out, and lets the object go.
enum TableDecoder {
    static func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }

    static func generation(_ m: NetlinkMessage) throws -> UInt32 {
        let gen = try NftnlObject(.gen)
        try gen.parse(m)
        return nftnl_gen_get_u32(gen.ptr, attr(NFTNL_GEN_ID))
    }

    /// The table's handle, flags and comment, as a `Table` without sets and chains.
    static func table(_ m: NetlinkMessage, _ ref: TableRef) throws -> Table {
        let t = try NftnlObject(.table)
        try t.parse(m)
        var table = Table(family: ref.family, name: ref.name, flags: nftnl_table_get_u32(t.ptr, attr(NFTNL_TABLE_FLAGS)),
                          handle: nftnl_table_get_u64(t.ptr, attr(NFTNL_TABLE_HANDLE)))
        if nftnl_table_is_set(t.ptr, attr(NFTNL_TABLE_USERDATA)) {
            var len: UInt32 = 0
            table.comment = UserData(bytes: copyBytes(nftnl_table_get_data(t.ptr, attr(NFTNL_TABLE_USERDATA), &len), len))
                .string(UserData.tableComment)
        }
        return table
    }

    /// A dumped stateful object or flowtable, or nil when it belongs to another table.
    static func object(_ m: NetlinkMessage, table: String, flowtable: Bool) throws -> TableObject? {
        if flowtable {
            let f = try NftnlObject(.flowtable)
            try f.parse(m)
            guard string(nftnl_flowtable_get_str(f.ptr, attr(NFTNL_FLOWTABLE_TABLE))) == table else { return nil }
            return TableObject(kind: .flowtable, name: string(nftnl_flowtable_get_str(f.ptr, attr(NFTNL_FLOWTABLE_NAME))))
        }
        let o = try NftnlObject(.obj)
        try o.parse(m)
        guard string(nftnl_obj_get_str(o.ptr, attr(NFTNL_OBJ_TABLE))) == table else { return nil }
        return TableObject(kind: .object(type: nftnl_obj_get_u32(o.ptr, attr(NFTNL_OBJ_TYPE))),
                           name: string(nftnl_obj_get_str(o.ptr, attr(NFTNL_OBJ_NAME))))
    }

    /// A dumped chain, or nil when it belongs to another table; `bound` for an anonymous
    /// chain bound to the rule that jumps to it (`jump { ... }`, NFT_CHAIN_BINDING).
    static func chain(_ m: NetlinkMessage, table: String, family: TableFamily) throws -> (chain: Chain, bound: Bool)? {
        let c = try NftnlObject(.chain)
        try c.parse(m)
        guard string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_TABLE))) == table else { return nil }
        let bound = nftnl_chain_is_set(c.ptr, attr(NFTNL_CHAIN_FLAGS))
            && nftnl_chain_get_u32(c.ptr, attr(NFTNL_CHAIN_FLAGS)) & NFT.chainBinding != 0
        var chain = Chain(name: string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_NAME))),
                          handle: nftnl_chain_get_u64(c.ptr, attr(NFTNL_CHAIN_HANDLE)))
        if let (hook, priority, policy) = baseHook(c, family: family) {
            chain.hook = BaseChainHook(type: ChainType(rawValue: string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_TYPE)))) ?? .filter,
                                       hook: hook, priority: priority, policy: policy)
        }
        if nftnl_chain_is_set(c.ptr, attr(NFTNL_CHAIN_USERDATA)) {
            var len: UInt32 = 0
            chain.comment = UserData(bytes: copyBytes(nftnl_chain_get_data(c.ptr, attr(NFTNL_CHAIN_USERDATA), &len), len))
                .string(UserData.chainComment)
        }
        return (chain, bound)
    }

    /// Any family's base chain (for `listBaseChains`); nil for regular chains.
    static func baseChain(_ m: NetlinkMessage) throws -> (family: TableFamily, table: String, chain: String, hook: Hook, priority: Int32, policy: ChainPolicy)? {
        let c = try NftnlObject(.chain)
        try c.parse(m)
        guard let family = TableFamily(nfproto: nftnl_chain_get_u32(c.ptr, attr(NFTNL_CHAIN_FAMILY))),
              let (hook, priority, policy) = baseHook(c, family: family) else { return nil }
        return (family, string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_TABLE))),
                string(nftnl_chain_get_str(c.ptr, attr(NFTNL_CHAIN_NAME))), hook, priority, policy)
    }

    private static func baseHook(_ c: NftnlObject, family: TableFamily) -> (Hook, Int32, ChainPolicy)? {
        guard nftnl_chain_is_set(c.ptr, attr(NFTNL_CHAIN_HOOKNUM)),
              let hook = Hook(number: nftnl_chain_get_u32(c.ptr, attr(NFTNL_CHAIN_HOOKNUM)), family: family) else { return nil }
        return (hook, nftnl_chain_get_s32(c.ptr, attr(NFTNL_CHAIN_PRIO)),
                nftnl_chain_get_u32(c.ptr, attr(NFTNL_CHAIN_POLICY)) == 1 ? .accept : .drop)
    }

    /// A dumped set's attributes, before its elements are read.
    struct SetHeader {
        var table: String
        var name: String
        var flags: UInt32
        var key: SetKeyFormat
        var comment: String?
        var handle: UInt64
        /// What the set holds that fwctl never generates, in nft's words (`NamedSet.extras`).
        var extras: [String] = []
        /// NFTA_SET_DATA_TYPE of a map.
        var dataType: UInt32? = nil
    }

    static func setHeader(_ m: NetlinkMessage) throws -> SetHeader {
        let s = try NftnlObject(.set)
        try s.parse(m)
        var udata = UserData()
        if nftnl_set_is_set(s.ptr, attr(NFTNL_SET_USERDATA)) {
            var len: UInt32 = 0
            udata = UserData(bytes: copyBytes(nftnl_set_get_data(s.ptr, attr(NFTNL_SET_USERDATA), &len), len))
        }
        return SetHeader(table: string(nftnl_set_get_str(s.ptr, attr(NFTNL_SET_TABLE))),
                         name: string(nftnl_set_get_str(s.ptr, attr(NFTNL_SET_NAME))),
                         flags: nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_FLAGS)),
                         key: SetKeyFormat(datatype: nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_KEY_TYPE)),
                                           length: Int(nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_KEY_LEN))),
                                           byteorder: udata.u32(UserData.setKeyByteorder) ?? 0),
                         comment: udata.string(UserData.setComment),
                         handle: nftnl_set_get_u64(s.ptr, attr(NFTNL_SET_HANDLE)),
                         extras: SetExtras.of(s, udata: udata),
                         dataType: nftnl_set_is_set(s.ptr, attr(NFTNL_SET_DATA_TYPE)) ? nftnl_set_get_u32(s.ptr, attr(NFTNL_SET_DATA_TYPE)) : nil)
    }

    /// The elements of one GETSETELEM dump message.
    static func elements(_ m: NetlinkMessage) throws -> [KernelSetElement] {
        let s = try NftnlObject(.set)
        try s.parse(m, elements: true)
        guard let it = nftnl_set_elems_iter_create(s.ptr) else { return [] }
        defer { nftnl_set_elems_iter_destroy(it) }
        var out: [KernelSetElement] = []
        // iter_next returns the current element and advances (nil past the last).
        while let e = nftnl_set_elems_iter_next(it) { out.append(SetMessages.kernelElement(e)) }
        return out
    }

    /// A dumped rule with the table and chain it belongs to.
    static func rule(_ m: NetlinkMessage, context: DecodeContext) throws -> (table: String, chain: String, rule: Rule) {
        let r = try NftnlObject(.rule)
        try r.parse(m)
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
        let rule = Rule(RuleCodec.decode(exprs, context: context), comment: comment,
                        handle: nftnl_rule_get_u64(r.ptr, attr(NFTNL_RULE_HANDLE)))
        return (string(nftnl_rule_get_str(r.ptr, attr(NFTNL_RULE_TABLE))), string(nftnl_rule_get_str(r.ptr, attr(NFTNL_RULE_CHAIN))), rule)
    }
}
