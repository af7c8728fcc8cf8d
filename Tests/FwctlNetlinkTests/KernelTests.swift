import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlNetlink

/// A transaction that creates `table` from nothing: table, chains, sets, then rules.
func creating(_ table: Table) -> Transaction {
    var tx = Transaction()
    tx.addTable(family: table.family, name: table.name, comment: table.comment)
    for c in table.chains { tx.addChain(table: table.ref, chain: c) }
    for s in table.sets { tx.addSet(table: table.ref, set: s) }
    for c in table.chains {
        for r in c.rules { tx.addRule(table: table.ref, chain: c.name, rule: r, position: .append) }
    }
    return tx
}

/// Hash sets (no `flags interval`) dump in an order that depends on a per-set random hash
/// seed: sort each set's element lines so two dumps compare by content.
func sortingHashSetElements(_ text: String) -> String {
    var out: [Substring] = []
    var block: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("\telement") {
            block.append(line)
        } else {
            out += block.sorted()
            block = []
            out.append(line)
        }
    }
    return (out + block.sorted()).joined(separator: "\n")
}

/// Kernel tests: each runs in its own fresh network namespace, with `nft` as the
/// independent oracle in both directions.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: creates network namespaces and changes their nftables rulesets"))
struct KernelTests {
    /// (a) What fwctl commits is what nft lists, byte for byte (counters normalised).
    @Test(arguments: Fixtures.all.indices)
    func commitListsAsNftText(_ i: Int) throws {
        let f = Fixtures.all[i]
        try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            let gen = try conn.generation()
            let tx = creating(f.table)
            let newGen = try conn.commit(tx, expectedGeneration: gen, checkOnly: false)
            #expect(newGen == gen + 1)
            #expect(try conn.generation() == gen + 1)
            let listed = try ns.nft("list", "table", "inet", f.table.name)
            #expect(normalisingCounters(listed) == f.listing, "\(lineDiff(normalisingCounters(listed), f.listing))")
        }
    }

    /// (a') Byte-level check: the kernel objects fwctl creates are the ones nft creates for
    /// the same text (`nft --debug=netlink list` prints every element and kernel expression).
    @Test(arguments: Fixtures.all.indices)
    func kernelObjectsEqualNfts(_ i: Int) throws {
        let f = Fixtures.all[i]
        let ours = try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            _ = try conn.commit(creating(f.table), expectedGeneration: nil, checkOnly: false)
            return try ns.nft("--debug=netlink", "list", "table", "inet", f.table.name)
        }
        let nfts = try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: f.listing)
            return try ns.nft("--debug=netlink", "list", "table", "inet", f.table.name)
        }
        #expect(sortingHashSetElements(ours) == sortingHashSetElements(nfts), "\(lineDiff(ours, nfts))")
    }

    /// (b) What nft loads, fwctl decodes to the hand-built model.
    @Test(arguments: Fixtures.all.indices)
    func nftTextDecodesToModel(_ i: Int) throws {
        let f = Fixtures.all[i]
        try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: f.listing)
            let conn = try NftConnection(netnsPath: ns.path)
            let (read, gen) = try conn.readTable(family: .inet, name: f.table.name)
            #expect(gen == (try conn.generation()))
            let table = try #require(read)
            #expect(table.handle != nil)
            #expect(table.sets.map { s in var s = s; s.handle = nil; return s } == f.table.sets)
            #expect(table.sets.allSatisfy { $0.handle != nil })
            #expect(table.chains.map(\.name) == f.table.chains.map(\.name))
            for (got, want) in zip(table.chains, f.table.chains) {
                #expect(got.hook == want.hook && got.comment == want.comment, "chain \(want.name)")
                #expect(got.rules.count == want.rules.count, "chain \(want.name)")
                for (g, w) in zip(got.rules, want.rules) {
                    #expect(g.sameContent(as: w), "chain \(want.name): \(g.expressions) vs \(w.expressions)")
                    #expect(g.handle != nil)
                }
            }
        }
    }

    @Test func absentTableReadsAsNil() throws {
        try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            let (table, gen) = try conn.readTable(family: .inet, name: "fwctl")
            #expect(table == nil)
            #expect(gen == (try conn.generation()))
        }
    }

    /// Counter values are read back (they are what a replace must carry over).
    @Test func countersAreRead() throws {
        try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: """
                table inet fwctl { chain input { type filter hook input priority 0; policy accept; counter packets 7 bytes 420 accept; }; }
                """)
            let conn = try NftConnection(netnsPath: ns.path)
            let rule = try #require(try conn.readTable(family: .inet, name: "fwctl").table?.chains.first?.rules.first)
            #expect(rule.expressions == [.counter(packets: 7, bytes: 420), .verdict(.accept)])
        }
    }
}
