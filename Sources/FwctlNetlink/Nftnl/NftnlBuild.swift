import CNftnl
import FwctlRuleset

/// Where a new rule goes relative to an existing one (NFTA_RULE_POSITION) or to one added
/// earlier in the same batch (NFTA_RULE_POSITION_ID).
enum RuleAnchor {
    case handle(UInt64)
    case newRule(UInt32)
}

/// Builds the libnftnl objects that become message payloads, from model values.
/// Together with `TableDecoder` (the reverse) it is the only code that sets or reads
/// libnftnl object attributes.
enum NftnlBuild {
    /// A table reference; with `flags`, the table's flags as NEWTABLE sets them (nft sends
    /// explicit flags 0 when it creates a table; on an existing table they replace its flags);
    /// with `comment`, the comment a new table is created with (the kernel ignores it on an
    /// existing table).
    static func table(_ t: TableRef, flags: UInt32? = nil, comment: String? = nil) throws -> NftnlObject {
        let o = try NftnlObject(.table)
        nftnl_table_set_str(o.ptr, attr(NFTNL_TABLE_NAME), t.name)
        if let flags { nftnl_table_set_u32(o.ptr, attr(NFTNL_TABLE_FLAGS), flags) }
        if let comment {
            var u = UserData()
            u.append(UserData.tableComment, string: comment)
            setData(u.bytes) { nftnl_table_set_data(o.ptr, attr(NFTNL_TABLE_USERDATA), $0, $1) }
        }
        return o
    }

    /// A stateful object (by type and name) or a flowtable (by name) of the table; with no
    /// name, the filter of a dump.
    static func object(_ t: TableRef, _ object: TableObject?) throws -> NftnlObject {
        if case .flowtable? = object?.kind { return try flowtable(t, name: object?.name) }
        let o = try NftnlObject(.obj)
        nftnl_obj_set_str(o.ptr, attr(NFTNL_OBJ_TABLE), t.name)
        nftnl_obj_set_u32(o.ptr, attr(NFTNL_OBJ_FAMILY), UInt32(t.family.nfproto))
        guard let object else { return o }
        nftnl_obj_set_str(o.ptr, attr(NFTNL_OBJ_NAME), object.name)
        if case .object(let type) = object.kind { nftnl_obj_set_u32(o.ptr, attr(NFTNL_OBJ_TYPE), type) }
        return o
    }

    static func flowtable(_ t: TableRef, name: String?) throws -> NftnlObject {
        let o = try NftnlObject(.flowtable)
        nftnl_flowtable_set_str(o.ptr, attr(NFTNL_FLOWTABLE_TABLE), t.name)
        nftnl_flowtable_set_u32(o.ptr, attr(NFTNL_FLOWTABLE_FAMILY), UInt32(t.family.nfproto))
        if let name { nftnl_flowtable_set_str(o.ptr, attr(NFTNL_FLOWTABLE_NAME), name) }
        return o
    }

    /// A chain header; with only `table` set it is the filter of a chain dump.
    static func chain(_ t: TableRef, _ chain: Chain?) throws -> NftnlObject {
        let o = try NftnlObject(.chain)
        nftnl_chain_set_str(o.ptr, attr(NFTNL_CHAIN_TABLE), t.name)
        guard let chain else { return o }
        nftnl_chain_set_str(o.ptr, attr(NFTNL_CHAIN_NAME), chain.name)
        if let h = chain.hook {
            nftnl_chain_set_u32(o.ptr, attr(NFTNL_CHAIN_HOOKNUM), h.hook.number(in: t.family))
            nftnl_chain_set_s32(o.ptr, attr(NFTNL_CHAIN_PRIO), h.priority)
            nftnl_chain_set_str(o.ptr, attr(NFTNL_CHAIN_TYPE), h.type.rawValue)
            nftnl_chain_set_u32(o.ptr, attr(NFTNL_CHAIN_POLICY), h.policy == .accept ? 1 : 0)   // NF_ACCEPT / NF_DROP
        }
        if let comment = chain.comment {
            guard comment.utf8.count < UserData.commentMaxLength else {
                throw EncodingError(object: "chain \(chain.name)", reason: "comment longer than \(UserData.commentMaxLength - 1) bytes")
            }
            var u = UserData()
            u.append(UserData.chainComment, string: comment)
            setData(u.bytes) { nftnl_chain_set_data(o.ptr, attr(NFTNL_CHAIN_USERDATA), $0, $1) }
        }
        return o
    }

    /// A set reference (delete, element dump filter); with no name, the filter of a set dump.
    static func setRef(_ t: TableRef, name: String?) throws -> NftnlObject {
        let o = try NftnlObject(.set)
        nftnl_set_set_str(o.ptr, attr(NFTNL_SET_TABLE), t.name)
        if let name { nftnl_set_set_str(o.ptr, attr(NFTNL_SET_NAME), name) }
        return o
    }

    /// A rule. Only `table` (dump filter), table+chain (flush), +handle (delete), or the
    /// whole rule (add/replace).
    static func rule(_ t: TableRef, chain: String?, exprs: [KernelExpr] = [], comment: String? = nil,
                     handle: UInt64? = nil, id: UInt32? = nil, anchor: RuleAnchor? = nil, what: String = "rule") throws -> NftnlObject {
        let o = try NftnlObject(.rule)
        nftnl_rule_set_str(o.ptr, attr(NFTNL_RULE_TABLE), t.name)
        nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_FAMILY), UInt32(t.family.nfproto))
        if let chain { nftnl_rule_set_str(o.ptr, attr(NFTNL_RULE_CHAIN), chain) }
        if let handle { nftnl_rule_set_u64(o.ptr, attr(NFTNL_RULE_HANDLE), handle) }
        if let id { nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_ID), id) }
        switch anchor {
        case .handle(let h)?: nftnl_rule_set_u64(o.ptr, attr(NFTNL_RULE_POSITION), h)
        case .newRule(let i)?: nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_POSITION_ID), i)
        case nil: break
        }
        for e in exprs { try e.add(to: o) }
        if let comment {
            // NFT_USERDATA_MAXLEN is 256 bytes for the whole blob: 2 bytes of TLV header + NUL.
            guard comment.utf8.count <= 253 else { throw EncodingError(object: what, reason: "comment longer than 253 bytes") }
            var u = UserData()
            u.append(UserData.ruleComment, string: comment)
            setData(u.bytes) { nftnl_rule_set_data(o.ptr, attr(NFTNL_RULE_USERDATA), $0, $1) }
        }
        return o
    }

    /// Hands a byte blob to a libnftnl `*_set_data` call (which copies it).
    static func setData(_ bytes: [UInt8], _ call: (UnsafeRawPointer?, UInt32) -> Int32) {
        bytes.withUnsafeBytes { _ = call($0.baseAddress, UInt32($0.count)) }
    }
}
