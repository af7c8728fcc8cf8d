import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import FwctlNetlink

/// Atomicity, generation ids, check mode and error reporting of `NftConnection.commit`,
/// each in a fresh namespace.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: creates network namespaces and changes their nftables rulesets"))
struct TransactionTests {
    static let table = TableRef(name: "fwctl")
    static let input = Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop))
    static let accept443 = Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(443))), .verdict(.accept)])
    /// Refers to a set that does not exist, in its second expression.
    static let missingSetRule = Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(22))),
                                      .address(family: .v4, field: .saddr, match: .set("nope")), .verdict(.accept)])

    /// A namespace holding `table inet fwctl` with an input chain and one rule.
    func withBaseTable(_ body: (ScratchNamespace, NftConnection) throws -> Void) throws {
        try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            var tx = Transaction()
            tx.addTable(family: .inet, name: "fwctl")
            tx.addChain(table: Self.table, chain: Self.input)
            tx.addRule(table: Self.table, chain: "input", rule: Self.accept443, position: .append)
            _ = try conn.commit(tx, expectedGeneration: nil, checkOnly: false)
            try body(ns, conn)
        }
    }

    /// (c) A stale generation id is refused with ERESTART and nothing changes.
    @Test func staleGenerationIsRefused() throws {
        try withBaseTable { ns, conn in
            let stale = try conn.generation()
            try ns.nft("add", "rule", "inet", "fwctl", "input", "udp", "dport", "53", "accept")   // someone else
            let before = try ns.nft("list", "ruleset")
            var tx = Transaction()
            tx.flushChain(table: Self.table, name: "input")
            let error = #expect(throws: NetlinkError.self) {
                try conn.commit(tx, expectedGeneration: stale, checkOnly: false)
            }
            #expect(error?.isGenerationConflict == true)
            #expect(error?.description.contains("ruleset changed since it was read") == true)
            #expect(try ns.nft("list", "ruleset") == before)
            // With the current id the same transaction goes through and bumps it by one.
            let current = try conn.generation()
            #expect(try conn.commit(tx, expectedGeneration: current, checkOnly: false) == current + 1)
            #expect(try conn.readTable(family: .inet, name: "fwctl").table?.chain(named: "input")?.rules == [])
        }
    }

    /// (d) Check-only validates without changing anything, and names a bad object.
    @Test func checkOnlyChangesNothing() throws {
        try withBaseTable { ns, conn in
            let before = try ns.nft("list", "ruleset")
            let gen = try conn.generation()
            var good = Transaction()
            good.addRule(table: Self.table, chain: "input", rule: Self.accept443, position: .top)
            #expect(try conn.commit(good, expectedGeneration: gen, checkOnly: true) == nil)
            var bad = good
            bad.addRule(table: Self.table, chain: "input", rule: Self.missingSetRule, position: .append)
            let error = #expect(throws: NetlinkError.self) {
                try conn.commit(bad, expectedGeneration: gen, checkOnly: true)
            }
            #expect(error?.operation == "add rule")
            #expect(error?.object == "rule 2 of chain input, expression 2 of the rule (kernel lookup)")
            #expect(error?.errno == ENOENT)   // no such set
            #expect(try ns.nft("list", "ruleset") == before)
            #expect(try conn.generation() == gen)
        }
    }

    /// (e) One bad message in a big batch: nothing is applied, the error names the message.
    @Test func oneBadMessageAbortsTheBatch() throws {
        try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            var tx = creating(Fixtures.main.table)
            tx.addRule(table: Self.table, chain: "sub", rule: Self.missingSetRule, position: .append)
            let gen = try conn.generation()
            let error = #expect(throws: NetlinkError.self) {
                try conn.commit(tx, expectedGeneration: gen, checkOnly: false)
            }
            #expect(error?.operation == "add rule")
            #expect(error?.object == "rule 2 of chain sub, expression 2 of the rule (kernel lookup)")
            #expect(error?.extAckOffset != nil)
            #expect(try ns.nft("list", "ruleset") == "")
            #expect(try conn.generation() == gen)
        }
    }

    /// (f) Expressions fwctl does not generate decode to `.unknown`, never a crash.
    @Test func handAddedRulesDecodeToUnknown() throws {
        try withBaseTable { ns, conn in
            try ns.nft("add", "rule", "inet", "fwctl", "input", "meta", "mark", "set", "1")
            try ns.nft("add", "rule", "inet", "fwctl", "input", "tcp", "flags", "syn", "accept")
            try ns.nft("add", "rule", "inet", "fwctl", "input", "ip", "saddr", "!=", "10.0.0.1", "drop")
            let rules = try #require(try conn.readTable(family: .inet, name: "fwctl").table?.chain(named: "input")?.rules)
            #expect(rules.count == 4)
            #expect(rules[0].sameContent(as: Self.accept443))
            for r in rules.dropFirst() {
                #expect(r.expressions.contains { if case .unknown = $0 { true } else { false } }, "\(r.expressions)")
            }
            #expect(rules[2].verdict == .accept)
            // Re-encoding an unknown expression is refused before anything is sent.
            var tx = Transaction()
            tx.addRule(table: Self.table, chain: "input", rule: rules[1], position: .append)
            #expect(throws: EncodingError.self) { try conn.commit(tx, expectedGeneration: nil, checkOnly: false) }
        }
    }

    /// (g) Other tables are never touched: their listing is identical before and after.
    @Test func otherTablesAreUntouched() throws {
        try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: """
                table ip nat {
                    chain postrouting { type nat hook postrouting priority srcnat; policy accept; oif "lo" masquerade; }
                }
                table ip filter {
                    set blocked { type ipv4_addr; elements = { 192.0.2.7 } }
                    chain input { type filter hook input priority 0; policy accept; ip saddr @blocked counter drop; }
                }
                """)
            let before = try ns.nft("list", "ruleset")
            let conn = try NftConnection(netnsPath: ns.path)
            _ = try conn.commit(creating(Fixtures.main.table), expectedGeneration: try conn.generation(), checkOnly: false)
            var update = Transaction()
            update.flushChain(table: Self.table, name: "input")
            update.addRule(table: Self.table, chain: "input", rule: Self.accept443, position: .append)
            update.deleteSet(table: Self.table, name: "protos")
            _ = try conn.commit(update, expectedGeneration: try conn.generation(), checkOnly: false)
            var remove = Transaction()
            remove.deleteTable(family: .inet, name: "fwctl")
            _ = try conn.commit(remove, expectedGeneration: nil, checkOnly: false)
            #expect(try ns.nft("list", "ruleset") == before)

            let base = try conn.listBaseChains()
            #expect(base.contains { $0.family == .ip && $0.table == "nat" && $0.chain == "postrouting" && $0.hook == .postrouting && $0.priority == 100 })
            #expect(base.contains { $0.family == .ip && $0.table == "filter" && $0.hook == .input && $0.policy == .accept })
        }
    }
}
