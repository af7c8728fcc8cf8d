import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlNetlink

/// The incremental operations the planner uses: positions, replace in place, element
/// changes, and large batches.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: creates network namespaces and changes their nftables rulesets"))
struct IncrementalTests {
    static let t = TableRef(name: "fwctl")
    static func port(_ p: UInt16) -> Rule {
        Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(p))), .counter(packets: 0, bytes: 0), .verdict(.accept)])
    }
    static func ports(_ rules: [Rule]) -> [UInt16] {
        rules.compactMap { r in
            if case .port(_, _, .range(let p))? = r.expressions.first { return p.lower }
            return nil
        }
    }

    /// Runs `body` in a scratch namespace where one batch, filled by `build`, created
    /// `table inet fwctl`.
    static func withTable(_ build: (inout Transaction) -> Void, _ body: (ScratchNamespace, NftConnection) throws -> Void) throws {
        try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            var tx = Transaction()
            tx.addTable(family: .inet, name: "fwctl")
            build(&tx)
            _ = try conn.commit(tx, expectedGeneration: nil, checkOnly: false)
            try body(ns, conn)
        }
    }

    @Test func positionsReplaceAndDelete() throws {
        try Self.withTable({ tx in
            tx.addChain(table: Self.t, chain: Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .accept)))
            let a = tx.addRule(table: Self.t, chain: "input", rule: Self.port(1), position: .append)
            tx.addRule(table: Self.t, chain: "input", rule: Self.port(3), position: .append)
            tx.addRule(table: Self.t, chain: "input", rule: Self.port(2), position: .afterNew(a))
            tx.addRule(table: Self.t, chain: "input", rule: Self.port(0), position: .beforeNew(a))
        }) { _, conn in
            var rules = try #require(try conn.readTable(family: .inet, name: "fwctl").table?.chain(named: "input")?.rules)
            #expect(Self.ports(rules) == [0, 1, 2, 3])

            var tx2 = Transaction()
            tx2.addRule(table: Self.t, chain: "input", rule: Self.port(9), position: .top)
            tx2.addRule(table: Self.t, chain: "input", rule: Self.port(5), position: .afterHandle(rules[2].handle!))
            tx2.addRule(table: Self.t, chain: "input", rule: Self.port(4), position: .beforeHandle(rules[3].handle!))
            var kept = Self.port(7)
            kept.expressions[1] = .counter(packets: 11, bytes: 999)   // carried over counter values
            tx2.replaceRule(table: Self.t, chain: "input", handle: rules[0].handle!, rule: kept)
            tx2.deleteRule(table: Self.t, chain: "input", handle: rules[1].handle!)
            _ = try conn.commit(tx2, expectedGeneration: try conn.generation(), checkOnly: false)
            let replacedHandle = rules[0].handle
            rules = try #require(try conn.readTable(family: .inet, name: "fwctl").table?.chain(named: "input")?.rules)
            #expect(Self.ports(rules) == [9, 7, 2, 5, 4, 3])
            #expect(rules[1].handle == replacedHandle)
            #expect(rules[1].expressions[1] == .counter(packets: 11, bytes: 999))
        }
    }

    @Test func elementChangesKeepRules() throws {
        let set = NamedSet(name: "web_v4", keyType: .ipv4Addr, elements: [.address(net("10.0.0.0/24"))])
        try Self.withTable({ tx in
            tx.addSet(table: Self.t, set: set)
            tx.addChain(table: Self.t, chain: Chain(name: "input"))
            tx.addRule(table: Self.t, chain: "input", rule: Rule([.address(family: .v4, field: .saddr, match: .set("web_v4")), .verdict(.accept)]),
                       position: .append)
        }) { ns, conn in
            let handle = try conn.readTable(family: .inet, name: "fwctl").table?.chain(named: "input")?.rules.first?.handle

            var tx2 = Transaction()
            tx2.addElements(table: Self.t, set: set, elements: [.address(host("192.0.2.1")), .address(span("10.1.0.5", "10.1.0.9"))])
            tx2.deleteElements(table: Self.t, set: set, elements: [.address(net("10.0.0.0/24"))])
            _ = try conn.commit(tx2, expectedGeneration: try conn.generation(), checkOnly: false)
            let table = try #require(try conn.readTable(family: .inet, name: "fwctl").table)
            #expect(table.set(named: "web_v4")?.elements == [.address(span("10.1.0.5", "10.1.0.9")), .address(host("192.0.2.1"))])
            #expect(table.chain(named: "input")?.rules.first?.handle == handle)
            #expect(try ns.nft("list", "set", "inet", "fwctl", "web_v4").contains("elements = { 10.1.0.5-10.1.0.9, 192.0.2.1 }"))
        }
    }

    /// Growing a range into its neighbour: delete the old range and add the merged one in one
    /// batch (what a planner diffing exact element lists sends); deleting one of two adjacent
    /// ranges removes exactly that one.
    @Test func adjacentRanges() throws {
        let set = NamedSet(name: "hosts", keyType: .ipv4Addr, elements: [.address(host("10.0.0.1"))])
        try Self.withTable({ $0.addSet(table: Self.t, set: set) }) { ns, conn in

            var grow = Transaction()
            grow.deleteElements(table: Self.t, set: set, elements: [.address(host("10.0.0.1"))])
            grow.addElements(table: Self.t, set: set, elements: [.address(span("10.0.0.1", "10.0.0.2"))])
            _ = try conn.commit(grow, expectedGeneration: try conn.generation(), checkOnly: false)
            #expect(try conn.readTable(family: .inet, name: "fwctl").table?.set(named: "hosts")?.elements
                    == [.address(span("10.0.0.1", "10.0.0.2"))])

            try ns.nft("add", "element", "inet", "fwctl", "hosts", "{ 10.0.0.3 }")
            let split = try conn.readTable(family: .inet, name: "fwctl").table?.set(named: "hosts")?.elements
            #expect(split == [.address(span("10.0.0.1", "10.0.0.2")), .address(host("10.0.0.3"))])
            var shrink = Transaction()
            shrink.deleteElements(table: Self.t, set: set, elements: [.address(span("10.0.0.1", "10.0.0.2"))])
            _ = try conn.commit(shrink, expectedGeneration: try conn.generation(), checkOnly: false)
            #expect(try conn.readTable(family: .inet, name: "fwctl").table?.set(named: "hosts")?.elements == [.address(host("10.0.0.3"))])
            #expect(try ns.nft("list", "set", "inet", "fwctl", "hosts").contains("elements = { 10.0.0.3 }"))
        }
    }

    /// NEWCHAIN on an existing base chain changes its policy and keeps its rules.
    @Test func addChainUpdatesPolicy() throws {
        var chain = Chain(name: "input", hook: BaseChainHook(hook: .input, priority: 0, policy: .accept))
        try Self.withTable({ [chain] tx in
            tx.addChain(table: Self.t, chain: chain)
            tx.addRule(table: Self.t, chain: "input", rule: Self.port(22), position: .append)
        }) { _, conn in
            chain.hook?.policy = .drop
            var tx2 = Transaction()
            tx2.addChain(table: Self.t, chain: chain)
            _ = try conn.commit(tx2, expectedGeneration: try conn.generation(), checkOnly: false)
            let read = try #require(try conn.readTable(family: .inet, name: "fwctl").table?.chain(named: "input"))
            #expect(read.hook?.policy == .drop)
            #expect(Self.ports(read.rules) == [22])
        }
    }

    /// A batch far beyond the default socket buffers (thousands of rules and elements).
    @Test func largeBatch() throws {
        try ScratchNamespace.with { ns in
            let conn = try NftConnection(netnsPath: ns.path)
            let elements = (0..<20_000).map { SetElement.address(AddressRange(.v4(0x0a00_0000 + UInt32($0) * 4))) }
            let set = NamedSet(name: "many", keyType: .ipv4Addr, isInterval: false, elements: elements)
            var tx = Transaction()
            tx.addTable(family: .inet, name: "fwctl")
            tx.addSet(table: Self.t, set: set)
            tx.addChain(table: Self.t, chain: Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .accept)))
            for p in 1...2_000 { tx.addRule(table: Self.t, chain: "input", rule: Self.port(UInt16(p)), position: .append) }
            _ = try conn.commit(tx, expectedGeneration: try conn.generation(), checkOnly: false)
            let table = try #require(try conn.readTable(family: .inet, name: "fwctl").table)
            #expect(table.set(named: "many")?.elements.count == 20_000)
            #expect(Self.ports(table.chain(named: "input")?.rules ?? []) == Array(1...2_000))
        }
    }
}
