import CNftnl
import FwctlRuleset

extension Transaction {
    /// Encodes every operation into nf_tables messages (without BATCH_BEGIN/END), in order.
    /// Anonymous sets a rule needs come right before the rule, as nft sends them.
    func encode(_ b: MessageBuilder, interfaceIndex: @escaping (String) -> UInt32?) throws -> [BatchMessage] {
        var context = EncodeContext(interfaceIndex: interfaceIndex)
        var rulesPerChain: [String: Int] = [:]
        var out: [BatchMessage] = []
        for op in operations {
            switch op {
            case .addTable(let t):
                let o = try NftnlObject(.table)
                nftnl_table_set_str(o.ptr, attr(NFTNL_TABLE_NAME), t.name)
                nftnl_table_set_u32(o.ptr, attr(NFTNL_TABLE_FLAGS), 0)
                out.append(b.message(NftMsg.newTable, family: t.family, flags: NftMsg.create, object: o,
                                     operation: "add table", describing: "table \(t)"))
            case .deleteTable(let t):
                let o = try NftnlObject(.table)
                nftnl_table_set_str(o.ptr, attr(NFTNL_TABLE_NAME), t.name)
                out.append(b.message(NftMsg.delTable, family: t.family, flags: 0, object: o,
                                     operation: "delete table", describing: "table \(t)"))
            case .addChain(let t, let chain):
                out.append(b.message(NftMsg.newChain, family: t.family, flags: NftMsg.create, object: try chainObject(t, chain),
                                     operation: "add chain", describing: "chain \(chain.name)"))
            case .deleteChain(let t, let name):
                out.append(b.message(NftMsg.delChain, family: t.family, flags: 0, object: try chainObject(t, Chain(name: name)),
                                     operation: "delete chain", describing: "chain \(name)"))
            case .flushChain(let t, let name):
                out.append(b.message(NftMsg.delRule, family: t.family, flags: 0, object: try ruleObject(t, name),
                                     operation: "flush chain", describing: "chain \(name)"))
            case .addSet(let t, let set):
                let id = context.nextSetID
                context.nextSetID += 1
                let o = try SetMessages.newSet(table: t, name: set.name, key: SetKeyFormat(set.keyType),
                                               flags: set.isInterval ? NFT.setInterval : 0, id: id, comment: set.comment, size: nil)
                out.append(b.message(NftMsg.newSet, family: t.family, flags: NftMsg.create, object: o,
                                     operation: "add set", describing: "set \(set.name)"))
                out += try elementMessages(b, NftMsg.newSetElem, t, set, set.elements, adding: true)
            case .deleteSet(let t, let name):
                let o = try NftnlObject(.set)
                nftnl_set_set_str(o.ptr, attr(NFTNL_SET_TABLE), t.name)
                nftnl_set_set_str(o.ptr, attr(NFTNL_SET_NAME), name)
                out.append(b.message(NftMsg.delSet, family: t.family, flags: 0, object: o,
                                     operation: "delete set", describing: "set \(name)"))
            case .addElements(let t, let set, let elements):
                out += try elementMessages(b, NftMsg.newSetElem, t, set, elements, adding: true)
            case .deleteElements(let t, let set, let elements):
                out += try elementMessages(b, NftMsg.delSetElem, t, set, elements, adding: false)
            case .addRule(let t, let chain, let rule, let position, let id):
                rulesPerChain[chain, default: 0] += 1
                let what = "rule \(rulesPerChain[chain]!) of chain \(chain)"
                let o = try ruleObject(t, chain, rule: rule, what: what, context: &context, out: &out, builder: b)
                nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_ID), UInt32(id))
                var flags = NftMsg.create
                switch position {
                case .append: flags |= NftMsg.append
                case .top: break
                case .afterHandle(let h): flags |= NftMsg.append; nftnl_rule_set_u64(o.ptr, attr(NFTNL_RULE_POSITION), h)
                case .beforeHandle(let h): nftnl_rule_set_u64(o.ptr, attr(NFTNL_RULE_POSITION), h)
                case .afterNew(let i): flags |= NftMsg.append; nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_POSITION_ID), UInt32(i))
                case .beforeNew(let i): nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_POSITION_ID), UInt32(i))
                }
                out.append(b.message(NftMsg.newRule, family: t.family, flags: flags, object: o, operation: "add rule", describing: what))
            case .replaceRule(let t, let chain, let handle, let rule):
                let what = "rule handle \(handle) of chain \(chain)"
                let o = try ruleObject(t, chain, rule: rule, what: what, context: &context, out: &out, builder: b)
                nftnl_rule_set_u64(o.ptr, attr(NFTNL_RULE_HANDLE), handle)
                out.append(b.message(NftMsg.newRule, family: t.family, flags: NftMsg.replace, object: o,
                                     operation: "replace rule", describing: what))
            case .deleteRule(let t, let chain, let handle):
                let o = try ruleObject(t, chain)
                nftnl_rule_set_u64(o.ptr, attr(NFTNL_RULE_HANDLE), handle)
                out.append(b.message(NftMsg.delRule, family: t.family, flags: 0, object: o,
                                     operation: "delete rule", describing: "rule handle \(handle) of chain \(chain)"))
            }
        }
        return out
    }

    private func chainObject(_ t: TableRef, _ chain: Chain) throws -> NftnlObject {
        let o = try NftnlObject(.chain)
        nftnl_chain_set_str(o.ptr, attr(NFTNL_CHAIN_TABLE), t.name)
        nftnl_chain_set_str(o.ptr, attr(NFTNL_CHAIN_NAME), chain.name)
        if let h = chain.hook {
            nftnl_chain_set_u32(o.ptr, attr(NFTNL_CHAIN_HOOKNUM), h.hook.number(in: t.family))
            nftnl_chain_set_s32(o.ptr, attr(NFTNL_CHAIN_PRIO), h.priority)
            nftnl_chain_set_str(o.ptr, attr(NFTNL_CHAIN_TYPE), h.type.rawValue)
            nftnl_chain_set_u32(o.ptr, attr(NFTNL_CHAIN_POLICY), h.policy == .accept ? 1 : 0)
        }
        if let comment = chain.comment {
            guard comment.utf8.count < UserData.commentMaxLength else {
                throw EncodingError(object: "chain \(chain.name)", reason: "comment longer than \(UserData.commentMaxLength - 1) bytes")
            }
            var u = UserData()
            u.append(UserData.chainComment, string: comment)
            u.bytes.withUnsafeBytes { _ = nftnl_chain_set_data(o.ptr, attr(NFTNL_CHAIN_USERDATA), $0.baseAddress, UInt32($0.count)) }
        }
        return o
    }

    private func ruleObject(_ t: TableRef, _ chain: String) throws -> NftnlObject {
        let o = try NftnlObject(.rule)
        nftnl_rule_set_str(o.ptr, attr(NFTNL_RULE_TABLE), t.name)
        nftnl_rule_set_str(o.ptr, attr(NFTNL_RULE_CHAIN), chain)
        nftnl_rule_set_u32(o.ptr, attr(NFTNL_RULE_FAMILY), UInt32(t.family.nfproto))
        return o
    }

    /// The rule with its expressions and comment; the anonymous sets it needs are appended
    /// to `out` first (NEWSET + NEWSETELEM each), so the rule can refer to them by set id.
    private func ruleObject(_ t: TableRef, _ chain: String, rule: Rule, what: String, context: inout EncodeContext,
                            out: inout [BatchMessage], builder b: MessageBuilder) throws -> NftnlObject {
        let o = try ruleObject(t, chain)
        let before = context.anonymousSets.count
        let exprs: [KernelExpr]
        do { exprs = try RuleCodec.encode(rule, context: &context) } catch var e as EncodingError {
            e.object = "\(what): \(e.object)"
            throw e
        }
        for anon in context.anonymousSets[before...] {
            let flags = NFT.setAnonymous | NFT.setConstant | (anon.isInterval ? NFT.setInterval : 0)
            let s = try SetMessages.newSet(table: t, name: AnonymousSet.placeholderName, key: anon.key, flags: flags,
                                           id: anon.id, comment: nil, size: anon.elements.count, origin: anon.origin)
            out.append(b.message(NftMsg.newSet, family: t.family, flags: NftMsg.create, object: s,
                                 operation: "add anonymous set", describing: "anonymous set of \(what)"))
            for list in try SetMessages.elementLists(table: t, name: AnonymousSet.placeholderName, id: anon.id, elements: anon.elements) {
                out.append(b.message(NftMsg.newSetElem, family: t.family, flags: NftMsg.create, object: list, elements: true,
                                     operation: "add anonymous set elements", describing: "anonymous set of \(what)"))
            }
        }
        for e in exprs { try e.add(to: o) }
        if let comment = rule.comment {
            // NFT_USERDATA_MAXLEN is 256 bytes for the whole blob: 2 bytes of TLV header + NUL.
            guard comment.utf8.count <= 253 else { throw EncodingError(object: what, reason: "comment longer than 253 bytes") }
            var u = UserData()
            u.append(UserData.ruleComment, string: comment)
            u.bytes.withUnsafeBytes { _ = nftnl_rule_set_data(o.ptr, attr(NFTNL_RULE_USERDATA), $0.baseAddress, UInt32($0.count)) }
        }
        return o
    }

    private func elementMessages(_ b: MessageBuilder, _ type: UInt16, _ t: TableRef, _ set: NamedSet,
                                 _ elements: [SetElement], adding: Bool) throws -> [BatchMessage] {
        if !set.isInterval, let r = elements.first(where: { $0.keyRange.lowerBound != $0.keyRange.upperBound }) {
            throw EncodingError(object: "set \(set.name)", reason: "range element \(r) in a set without flags interval")
        }
        let kernel = SetMessages.kernelElements(set, elements, adding: adding)
        return try SetMessages.elementLists(table: t, name: set.name, id: nil, elements: kernel).map {
            b.message(type, family: t.family, flags: adding ? NftMsg.create : 0, object: $0, elements: true,
                      operation: adding ? "add set elements" : "delete set elements", describing: "set \(set.name)")
        }
    }
}

extension Hook {
    /// The hook number in a table of `family` (NF_INET_* for inet/ip/ip6, NF_NETDEV_INGRESS).
    func number(in family: TableFamily) -> UInt32 {
        switch self {
        case .prerouting: 0
        case .input: 1
        case .forward: 2
        case .output: 3
        case .postrouting: 4
        case .ingress: family == .netdev ? 0 : 5
        }
    }

    init?(number: UInt32, family: TableFamily) {
        switch (family, number) {
        case (.netdev, 0): self = .ingress
        case (.netdev, _): return nil
        case (.arp, 0): self = .input
        case (.arp, 1): self = .output
        case (.arp, 2): self = .forward
        case (.arp, _): return nil
        case (_, 0): self = .prerouting
        case (_, 1): self = .input
        case (_, 2): self = .forward
        case (_, 3): self = .output
        case (_, 4): self = .postrouting
        case (_, 5): self = .ingress
        default: return nil
        }
    }
}
