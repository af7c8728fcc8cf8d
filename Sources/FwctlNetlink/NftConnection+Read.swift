import CNftnl
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

extension NftConnection {
    /// Dumps one table (chains, sets with elements, rules) consistently with its generation id
    /// (retry if NLM_F_DUMP_INTR or the genid changed during the dump); nil table when absent.
    public func readTable(family: TableFamily, name: String) throws -> (table: Table?, generation: UInt32) {
        for _ in 0..<20 {
            let before = try generation()
            var consistent = true
            let table = try dumpTable(family: family, name: name, generation: before, consistent: &consistent)
            if consistent, try generation() == before { return (table, before) }
        }
        throw NetlinkError(errno: EAGAIN, operation: "read table \(family.rawValue) \(name)",
                           message: "the ruleset kept changing during the dump")
    }

    private func dumpTable(family: TableFamily, name: String, generation: UInt32, consistent: inout Bool) throws -> Table? {
        var interrupted = false
        var generations = Set<UInt16>()
        func dump(_ type: UInt16, _ object: NftnlObject, elements: Bool = false, _ what: String) throws -> [NetlinkMessage] {
            let r = try request(type, family: family, flags: NftMsg.dump, object: object, elements: elements, operation: what)
            interrupted = interrupted || r.interrupted
            for m in r.messages { if let g = m.generationLow16 { generations.insert(g) } }
            return r.messages
        }

        let t = try NftnlObject(.table)
        nftnl_table_set_str(t.ptr, attr(NFTNL_TABLE_NAME), name)
        let tableReply: [NetlinkMessage]
        do {
            tableReply = try request(NftMsg.getTable, family: family, flags: NftMsg.ack, object: t, operation: "read table").messages
        } catch let e as NetlinkError where e.errno == ENOENT {
            return nil
        }
        guard let tm = tableReply.first else { return nil }
        try t.parse(tm)
        var table = Table(family: family, name: name, handle: nftnl_table_get_u64(t.ptr, attr(NFTNL_TABLE_HANDLE)))

        let chainFilter = try NftnlObject(.chain)
        nftnl_chain_set_str(chainFilter.ptr, attr(NFTNL_CHAIN_TABLE), name)
        for m in try dump(NftMsg.getChain, chainFilter, "dump chains") {
            let c = try NftnlObject(.chain)
            try c.parse(m)
            if let chain = TableDecoder.chain(c, table: name, family: family) { table.chains.append(chain) }
        }

        let setFilter = try NftnlObject(.set)
        nftnl_set_set_str(setFilter.ptr, attr(NFTNL_SET_TABLE), name)
        var context = DecodeContext()
        context.interfaceName = { [netnsPath] in NetworkNamespace.interfaceName($0, in: netnsPath) }
        for m in try dump(NftMsg.getSet, setFilter, "dump sets") {
            let s = try NftnlObject(.set)
            try s.parse(m)
            guard TableDecoder.string(nftnl_set_get_str(s.ptr, attr(NFTNL_SET_TABLE))) == name else { continue }
            let setName = TableDecoder.string(nftnl_set_get_str(s.ptr, attr(NFTNL_SET_NAME)))
            let elemFilter = try NftnlObject(.set)
            nftnl_set_set_str(elemFilter.ptr, attr(NFTNL_SET_TABLE), name)
            nftnl_set_set_str(elemFilter.ptr, attr(NFTNL_SET_NAME), setName)
            var elements: [KernelSetElement] = []
            for em in try dump(NftMsg.getSetElem, elemFilter, elements: true, "dump elements of set \(setName)") {
                let holder = try NftnlObject(.set)
                try holder.parse(em, elements: true)
                elements += TableDecoder.elements(of: holder)
            }
            switch TableDecoder.set(s, elements: elements) {
            case .named(let set)?: table.sets.append(set)
            case .anonymous(let key, let interval)?: context.anonymousSets[setName] = (key, elements, interval)
            case nil: break
            }
        }

        let ruleFilter = try NftnlObject(.rule)
        nftnl_rule_set_str(ruleFilter.ptr, attr(NFTNL_RULE_TABLE), name)
        for m in try dump(NftMsg.getRule, ruleFilter, "dump rules") {
            let r = try NftnlObject(.rule)
            try r.parse(m)
            guard TableDecoder.string(nftnl_rule_get_str(r.ptr, attr(NFTNL_RULE_TABLE))) == name else { continue }
            let chain = TableDecoder.string(nftnl_rule_get_str(r.ptr, attr(NFTNL_RULE_CHAIN)))
            guard let i = table.chains.firstIndex(where: { $0.name == chain }) else { consistent = false; continue }
            table.chains[i].rules.append(TableDecoder.rule(r, context: context))
        }
        // Every dump message carries the low 16 bits of the generation it was taken at.
        if interrupted || generations.contains(where: { $0 != UInt16(truncatingIfNeeded: generation) }) { consistent = false }
        return table
    }
}
