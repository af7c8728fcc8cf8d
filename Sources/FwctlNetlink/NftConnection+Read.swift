import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

extension NftConnection {
    /// Dumps one table (chains, sets with elements, rules) consistently with its generation id
    /// (retry if NLM_F_DUMP_INTR or the genid changed during the dump); nil table when absent.
    public func readTable(family: TableFamily, name: String) throws -> (table: Table?, generation: UInt32) {
        let r = try readTable(family: family, name: name, known: nil)
        return (r.table, r.generation)
    }

    /// `readTable`, taking the elements of the sets `known` applies to from it instead of
    /// dumping them.
    public func readTable(family: TableFamily, name: String, known: KnownSetElements?) throws -> TableRead {
        for _ in 0..<20 {
            let before = try generation()
            var consistent = true
            var read = TableRead(table: nil, generation: before)
            read.table = try dumpTable(TableRef(family: family, name: name), generation: before, known: known,
                                       into: &read, consistent: &consistent)
            if consistent, try generation() == before { return read }
        }
        throw NetlinkError(errno: EAGAIN, operation: "read table \(family.rawValue) \(name)",
                           message: "the ruleset kept changing during the dump")
    }

    private func dumpTable(_ ref: TableRef, generation: UInt32, known: KnownSetElements?, into read: inout TableRead,
                           consistent: inout Bool) throws -> Table? {
        var interrupted = false
        var generations = Set<UInt16>()
        func dump(_ type: UInt16, _ filter: NftnlObject, elements: Bool = false, _ what: String) throws -> [NetlinkMessage] {
            let r = try request(type, family: ref.family, flags: NftMsg.dump, object: filter, elements: elements, operation: what)
            interrupted = interrupted || r.interrupted
            for m in r.messages { if let g = m.generationLow16 { generations.insert(g) } }
            return r.messages
        }

        let tableReply: [NetlinkMessage]
        do {
            tableReply = try request(NftMsg.getTable, family: ref.family, flags: NftMsg.ack, object: try NftnlBuild.table(ref),
                                     operation: "read table").messages
        } catch let e as NetlinkError where e.errno == ENOENT {
            return nil
        }
        guard let tm = tableReply.first else { return nil }
        var table = try TableDecoder.table(tm, ref)

        var bound = BoundChains()
        for m in try dump(NftMsg.getChain, try NftnlBuild.chain(ref, nil), "dump chains") {
            guard let (chain, isBound) = try TableDecoder.chain(m, table: ref.name, family: ref.family) else { continue }
            if isBound { bound.chains[chain.name] = chain } else { table.chains.append(chain) }
        }

        var context = DecodeContext()
        context.interfaceName = { [netnsPath] in NetworkNamespace.interfaceName($0, in: netnsPath) }
        for m in try dump(NftMsg.getSet, try NftnlBuild.setRef(ref, name: nil), "dump sets") {
            let header = try TableDecoder.setHeader(m)
            guard header.table == ref.name else { continue }
            if header.isNamedModelSet, header.onlyChangedByCommits { read.recordable.insert(header.name) }
            if let known, header.isNamedModelSet, header.onlyChangedByCommits, let type = header.key.keyType,
               let given = known.elements(of: header.name, generation: generation, table: table.handle, handle: header.handle,
                                          keyType: type, interval: header.isInterval) {
                table.sets.append(NamedSet(name: header.name, keyType: type, isInterval: header.isInterval,
                                           comment: header.comment, elements: given, extras: header.extras, handle: header.handle))
                read.reused.insert(header.name)
                continue
            }
            let messages = try dump(NftMsg.getSetElem, try NftnlBuild.setRef(ref, name: header.name), elements: true,
                                    "dump elements of set \(header.name)")
            if header.isNamedModelSet, let type = header.key.keyType, let (keys, length) = ElementDumpDecoder.keys(messages) {
                // The fast way for named sets (the big ones): straight from the attributes. It
                // takes only elements as fwctl writes them, so their extras are the header's.
                let ranges = SetElementCodec.ranges(keys: keys.map { ($0.value, $0.isEnd) }, keyLength: length, interval: header.isInterval)
                table.sets.append(NamedSet(name: header.name, keyType: type, isInterval: header.isInterval, comment: header.comment,
                                           elements: ranges.compactMap { SetElement($0, type: type) }, extras: header.extras,
                                           handle: header.handle))
                continue
            }
            var elements: [KernelSetElement] = []
            for em in messages { elements += try TableDecoder.elements(em) }
            switch DecodedSet(header, elements: elements) {
            case .named(let set)?:
                table.sets.append(set)
                // Elements with comments or counters: not a set the record may stand for.
                if !set.extras.isEmpty { read.recordable.remove(set.name) }
            case .anonymous(let key, let interval)?: context.anonymousSets[header.name] = (key, elements, interval)
            case nil:
                // A map, a concatenation, another key type: drift, named so a plan deletes it.
                table.objects.append(TableObject(kind: header.flags & (NFT.setMap | NFT.setObject) != 0 ? .map : .set, name: header.name))
            }
        }

        // Stateful objects and flowtables: fwctl creates none, so each is drift.
        for m in try dump(NftMsg.getObj, try NftnlBuild.object(ref, nil), "dump objects") {
            if let o = try TableDecoder.object(m, table: ref.name, flowtable: false) { table.objects.append(o) }
        }
        for m in try dump(NftMsg.getFlowtable, try NftnlBuild.flowtable(ref, name: nil), "dump flowtables") {
            if let o = try TableDecoder.object(m, table: ref.name, flowtable: true) { table.objects.append(o) }
        }

        for m in try dump(NftMsg.getRule, try NftnlBuild.rule(ref, chain: nil), "dump rules") {
            let (t, chain, rule) = try TableDecoder.rule(m, context: context)
            guard t == ref.name else { continue }
            if bound.chains[chain] != nil { bound.chains[chain]!.rules.append(rule); continue }
            // A rule of a chain the chain dump did not show: the table changed in between.
            guard let i = table.chains.firstIndex(where: { $0.name == chain }) else { consistent = false; continue }
            table.chains[i].rules.append(rule)
        }
        bound.fold(into: &table)
        // Every dump message carries the low 16 bits of the generation it was taken at.
        if interrupted || generations.contains(where: { $0 != UInt16(truncatingIfNeeded: generation) }) { consistent = false }
        return table
    }
}
