import FwctlRuleset

extension Transaction {
    /// Encodes every operation into nf_tables messages (without BATCH_BEGIN/END), in order,
    /// each with the index of the operation it encodes (an operation may take several).
    /// Anonymous sets a rule needs come right before the rule, as nft sends them. An
    /// `EncodingError` carries the index of the operation that could not be encoded.
    func encode(_ b: MessageBuilder, interfaceIndex: @escaping (String) -> UInt32?) throws -> [(operation: Int, message: BatchMessage)] {
        var operation = 0
        var owners: [Int] = []
        do {
            let messages = try encodeMessages(b, interfaceIndex: interfaceIndex, operation: &operation, owners: &owners)
            return Array(zip(owners, messages))
        } catch var e as EncodingError {
            e.operationIndex = operation
            throw e
        }
    }

    /// `encode`'s work: `operation` is the operation being encoded, `owners` gets one entry
    /// per message.
    private func encodeMessages(_ b: MessageBuilder, interfaceIndex: @escaping (String) -> UInt32?,
                                operation: inout Int, owners: inout [Int]) throws -> [BatchMessage] {
        var context = EncodeContext(interfaceIndex: interfaceIndex)
        var rulesPerChain: [String: Int] = [:]
        var out: [BatchMessage] = []
        func send(_ type: UInt16, _ t: TableRef, _ flags: UInt16, _ o: NftnlObject, _ op: String, _ what: String) {
            out.append(b.message(type, family: t.family, flags: flags, object: o, operation: op, describing: what))
        }
        for (index, op) in operations.enumerated() {
            operation = index
            defer { owners += repeatElement(index, count: out.count - owners.count) }
            switch op {
            case .addTable(let t, let comment):
                send(NftMsg.newTable, t, NftMsg.create, try NftnlBuild.table(t, flags: 0, comment: comment), "add table", "table \(t)")
            case .setTableFlags(let t, let flags):
                send(NftMsg.newTable, t, NftMsg.create, try NftnlBuild.table(t, flags: flags), "set table flags", "table \(t)")
            case .deleteObject(let t, let o):
                switch o.kind {
                case .set, .map: send(NftMsg.delSet, t, 0, try NftnlBuild.setRef(t, name: o.name), "delete \(o.kind)", "\(o)")
                case .flowtable: send(NftMsg.delFlowtable, t, 0, try NftnlBuild.object(t, o), "delete flowtable", "\(o)")
                case .object: send(NftMsg.delObj, t, 0, try NftnlBuild.object(t, o), "delete object", "\(o)")
                }
            case .deleteTable(let t):
                send(NftMsg.delTable, t, 0, try NftnlBuild.table(t), "delete table", "table \(t)")
            case .addChain(let t, let chain):
                send(NftMsg.newChain, t, NftMsg.create, try NftnlBuild.chain(t, chain), "add chain", "chain \(chain.name)")
            case .deleteChain(let t, let name):
                send(NftMsg.delChain, t, 0, try NftnlBuild.chain(t, Chain(name: name)), "delete chain", "chain \(name)")
            case .flushChain(let t, let name):
                // DELRULE with table and chain but no handle empties the chain.
                send(NftMsg.delRule, t, 0, try NftnlBuild.rule(t, chain: name), "flush chain", "chain \(name)")
            case .addSet(let t, let set):
                let id = context.nextSetID
                context.nextSetID += 1
                let o = try SetMessages.newSet(table: t, name: set.name, key: SetKeyFormat(set.keyType),
                                               flags: (set.isInterval ? NFT.setInterval : 0) | (set.isVerdictMap ? NFT.setMap : 0),
                                               id: id, comment: set.comment, size: nil)
                send(NftMsg.newSet, t, NftMsg.create, o, "add set", "set \(set.name)")
                out += try elementMessages(b, NftMsg.newSetElem, t, set, set.elements, adding: true)
            case .deleteSet(let t, let name):
                send(NftMsg.delSet, t, 0, try NftnlBuild.setRef(t, name: name), "delete set", "set \(name)")
            case .addElements(let t, let set, let elements):
                out += try elementMessages(b, NftMsg.newSetElem, t, set, elements, adding: true)
            case .deleteElements(let t, let set, let elements):
                out += try elementMessages(b, NftMsg.delSetElem, t, set, elements, adding: false)
            case .addRule(let t, let chain, let rule, let position, let id):
                rulesPerChain[chain, default: 0] += 1
                let what = describe(rule, "rule \(rulesPerChain[chain]!) of chain \(chain)")
                var flags = NftMsg.create
                var anchor: RuleAnchor?
                switch position {
                case .append: flags |= NftMsg.append
                case .top: break
                case .afterHandle(let h): flags |= NftMsg.append; anchor = .handle(h)
                case .beforeHandle(let h): anchor = .handle(h)
                case .afterNew(let i): flags |= NftMsg.append; anchor = .newRule(UInt32(i))
                case .beforeNew(let i): anchor = .newRule(UInt32(i))
                }
                let groups = try lower(rule, what, t, &context, &out, b)
                let o = try NftnlBuild.rule(t, chain: chain, exprs: groups.flatMap { $0 }, comment: rule.comment, id: UInt32(id),
                                            anchor: anchor, what: what)
                send(NftMsg.newRule, t, flags, o, "add rule", what)
                out[out.count - 1].expressionSpans = groups.map(\.count)
            case .replaceRule(let t, let chain, let handle, let rule):
                let what = describe(rule, "rule handle \(handle) of chain \(chain)")
                let groups = try lower(rule, what, t, &context, &out, b)
                let o = try NftnlBuild.rule(t, chain: chain, exprs: groups.flatMap { $0 }, comment: rule.comment, handle: handle, what: what)
                send(NftMsg.newRule, t, NftMsg.replace, o, "replace rule", what)
                out[out.count - 1].expressionSpans = groups.map(\.count)
            case .deleteRule(let t, let chain, let handle):
                send(NftMsg.delRule, t, 0, try NftnlBuild.rule(t, chain: chain, handle: handle), "delete rule",
                     "rule handle \(handle) of chain \(chain)")
            }
        }
        try out.forEach { try $0.checkFraming() }
        return out
    }

    /// Names a rule for error reports; its comment (fwctl writes `file:line: flow` there)
    /// leads back to the policy line.
    private func describe(_ rule: Rule, _ position: String) -> String {
        rule.comment.map { "\(position), \"\($0)\"" } ?? position
    }

    /// The rule's kernel expressions; the anonymous sets they need are appended to `out`
    /// first (NEWSET + NEWSETELEM each), so the rule can refer to them by set id.
    private func lower(_ rule: Rule, _ what: String, _ t: TableRef, _ context: inout EncodeContext,
                       _ out: inout [BatchMessage], _ b: MessageBuilder) throws -> [[KernelExpr]] {
        let before = context.anonymousSets.count
        let exprs: [[KernelExpr]]
        do { exprs = try RuleCodec.encodeEach(rule, context: &context) } catch var e as EncodingError {
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
        return exprs
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
