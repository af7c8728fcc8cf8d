import Testing
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlCompiler

/// Builds small fleets in code, independent of the parser.
enum F {
    static func at(_ line: Int) -> SourceRange {
        SourceRange(file: "policies/t.policy", start: SourcePosition(line: line, column: 1, offset: 0),
                    end: SourcePosition(line: line, column: 2, offset: 1))
    }

    static func addrs(_ list: String...) -> AddressSet {
        var s = AddressSet()
        for text in list {
            if let slash = text.firstIndex(of: "/") {
                s.insert(AddressRange(prefix: IPAddress(text[..<slash])!, length: Int(text[text.index(after: slash)...])!)!)
            } else {
                s.insert(AddressRange(IPAddress(text)!))
            }
        }
        return s
    }

    static func svc(_ name: String, _ atoms: ServiceAtom...) -> ServiceRef { ServiceRef(name: name, isInline: false, atoms: atoms) }

    static func allow(_ src: [Endpoint], _ dst: [Endpoint], _ svcs: [ServiceRef], line: Int, _ text: String) -> Flow {
        Flow(action: .allow, sources: src, destinations: dst, services: svcs, range: at(line), text: text)
    }

    static func deny(_ src: [Endpoint], _ dst: [Endpoint], _ svcs: [ServiceRef], line: Int, _ text: String) -> Flow {
        Flow(action: .deny, sources: src, destinations: dst, services: svcs, range: at(line), text: text)
    }

    /// lb (2 hosts, v4+v6), web (1 host, v4 only), an `internet` network.
    static func small(flows: [Flow], defaults: Defaults = Defaults()) -> Fleet {
        let hosts = [
            Host(name: "lb-01", addresses: addrs("192.0.2.10", "2001:db8::10"), roles: ["lb"], range: at(1)),
            Host(name: "lb-02", addresses: addrs("192.0.2.11", "2001:db8::11"), roles: ["lb"], range: at(2)),
            Host(name: "web-01", addresses: addrs("192.0.2.21"), roles: ["web"], range: at(3)),
        ]
        return Fleet(
            networks: [Network(name: "internet", addresses: addrs("0.0.0.0/0", "::/0"), range: at(4))],
            roles: [Role(name: "lb", hosts: ["lb-01", "lb-02"], range: at(1)), Role(name: "web", hosts: ["web-01"], range: at(3))],
            hosts: hosts, flows: flows, defaults: defaults)
    }
}

@Suite struct CompilerTests {
    let https = F.svc("https", .ports(.tcp, [PortRange(443)]))
    let http = F.svc("http", .ports(.tcp, [PortRange(80)]))

    func rules(_ fleet: Fleet, _ host: String, _ chain: String) throws -> [Rule] {
        let t = try Compiler(fleet: fleet).compile(host: host).tables[0]
        return try #require(t.chain(named: chain)).rules
    }

    func flowRules(_ fleet: Fleet, _ host: String, _ chain: String) throws -> [Rule] {
        try rules(fleet, host, chain).filter { !($0.comment ?? "").hasPrefix("fwctl:") }
    }

    @Test func bothEndsEnforceAFlow() throws {
        var rulesLayout = Defaults()
        rulesLayout.dispatchByMap = false   // one rule per flow, in the base chains
        let fleet = F.small(flows: [F.allow([.role("lb")], [.role("web")], [https], line: 10, "allow lb -> web : https")], defaults: rulesLayout)
        // web-01 has only IPv4: one input rule, v4 only.
        let input = try flowRules(fleet, "web-01", "input")
        #expect(input == [Rule([.address(family: .v4, field: .saddr, match: .set("role_lb_v4")),
                                .port(proto: .tcp, field: .dport, match: .range(PortRange(443))),
                                .counter(packets: 0, bytes: 0), .verdict(.accept)],
                               comment: "t.policy:10: allow lb -> web : https")])
        #expect(try flowRules(fleet, "web-01", "output").isEmpty)
        // lb-01 emits it, v4 only since web has no v6 address.
        let output = try flowRules(fleet, "lb-01", "output")
        #expect(output.count == 1)
        #expect(output[0].expressions.first == .address(family: .v4, field: .daddr, match: .set("role_web_v4")))
        #expect(try flowRules(fleet, "lb-01", "input").isEmpty)
    }

    /// The rules layout (`dispatch = rules`): one rule per protocol. With the default map
    /// layout each port has its own chain, so the flow is one rule in each.
    @Test func servicesOfOneProtocolShareARule() throws {
        var rulesLayout = Defaults()
        rulesLayout.dispatchByMap = false
        let flow = F.allow([.network("internet")], [.role("lb")], [http, https], line: 7, "allow internet -> lb : http, https")
        let fleet = F.small(flows: [flow], defaults: rulesLayout)
        let input = try flowRules(fleet, "lb-02", "input")
        #expect(input.count == 2)  // v4 and v6
        #expect(input.map { $0.expressions[1] } == Array(repeating: .port(proto: .tcp, field: .dport, match: .anonymousSet([PortRange(80), PortRange(443)])), count: 2))
        let table = try Compiler(fleet: fleet).compile(host: "lb-02").tables[0]
        #expect(table.sets.map(\.name) == ["net_internet_v4", "net_internet_v6"])
        #expect(table.set(named: "net_internet_v4")?.elements == [.address(AddressRange(prefix: IPAddress("0.0.0.0")!, length: 0)!)])

        let mapped = F.small(flows: [flow])
        #expect(try flowRules(mapped, "lb-02", "input").isEmpty)
        for port in ["in_tcp_80", "in_tcp_443"] {
            let rules = try self.rules(mapped, "lb-02", port)
            #expect(rules.map(\.comment) == Array(repeating: "t.policy:7: allow internet -> lb : http, https", count: 2), "\(port)")
            #expect(rules.map { $0.expressions[0] } == [.address(family: .v4, field: .saddr, match: .set("net_internet_v4")),
                                                         .address(family: .v6, field: .saddr, match: .set("net_internet_v6"))])
        }
    }

    /// Deny wins: a packet meets the deny before the allow, whether the allow is a rule of
    /// the base chain or of a port chain reached through the dispatch rule.
    @Test(arguments: [false, true])
    func denyRulesComeBeforeAllowsWhateverTheOrder(byMap: Bool) throws {
        var defaults = Defaults()
        defaults.dispatchByMap = byMap
        let fleet = F.small(flows: [
            F.allow([.network("internet")], [.role("lb")], [https], line: 5, "allow internet -> lb : https"),
            F.deny([.addresses(F.addrs("203.0.113.0/24"), text: "203.0.113.0/24")], [.role("lb")],
                   [ServiceRef(name: "any", isInline: true, atoms: [.any])], line: 9, "deny 203.0.113.0/24 -> lb : any"),
        ], defaults: defaults)
        let input = try rules(fleet, "lb-01", "input")
        let deny = try #require(input.firstIndex { $0.verdict == .drop && $0.comment?.contains(":9:") == true })
        let allow: Int
        if byMap {
            #expect(try rules(fleet, "lb-01", "in_tcp_443").contains { $0.comment?.contains(":5:") == true })
            #expect(!input.contains { $0.comment?.contains(":5:") == true })
            allow = try #require(input.firstIndex { $0.expressions == [.dispatch(map: "in_ports")] })
        } else {
            allow = try #require(input.firstIndex { $0.comment?.contains(":5:") == true })
        }
        #expect(deny < allow)
        #expect(input[deny].expressions == [.address(family: .v4, field: .saddr, match: .range(AddressRange(prefix: IPAddress("203.0.113.0")!, length: 24)!)),
                                            .counter(packets: 0, bytes: 0), .verdict(.drop)])
        // Conntrack first: replies of admitted flows pass before any policy drop.
        #expect(input[0].expressions.first == .ctState([.established, .related]))
    }

    @Test func chainsAndDefaults() throws {
        var d = Defaults()
        d.egressFiltering = false
        d.logDrops = false
        d.echoRequest = false
        d.tableName = "edge"
        d.forward = .drop
        let fleet = F.small(flows: [F.allow([.role("lb")], [.role("web")], [https], line: 3, "allow lb -> web : https")], defaults: d)
        let table = try Compiler(fleet: fleet).compile(host: "lb-01").tables[0]
        #expect(table.name == "edge" && table.family == .inet)
        #expect(table.chains.map(\.name) == ["input", "output", "forward"])
        #expect(table.chains.map { $0.hook!.policy } == [.drop, .accept, .drop])
        let output = table.chains[1].rules
        #expect(!output.contains { $0.comment?.contains("allow lb -> web") == true })  // egress open: no allow rules
        #expect(!table.chains[0].rules.contains { if case .log = $0.expressions.last { true } else { false } })
        #expect(!table.chains[0].rules.contains { $0.expressions.contains(.icmpType(family: .v4, types: [8])) })
    }

    @Test func unknownHostListsTheKnownOnes() {
        let fleet = F.small(flows: [])
        #expect(throws: CompileError.unknownHost("web-9", known: ["lb-01", "lb-02", "web-01"])) {
            try Compiler(fleet: fleet).compile(host: "web-9")
        }
        #expect(CompileError.unknownHost("x", known: ["a", "b"]).description == "unknown host 'x' (known hosts: a, b)")
    }

    @Test func hostEndsAndProtocolsAndICMP() throws {
        let mixed = F.svc("mixed", .proto(112), .icmp(types: [8]), .icmpv6(types: nil), .ports(.udp, [PortRange(30000, 30100)]))
        let fleet = F.small(flows: [F.allow([.host("lb-02")], [.host("lb-01")], [mixed], line: 12, "allow lb-02 -> lb-01 : mixed")])
        let input = try flowRules(fleet, "lb-01", "input")
        let v4peer = Expression.address(family: .v4, field: .saddr, match: .range(AddressRange(IPAddress("192.0.2.11")!)))
        let v6peer = Expression.address(family: .v6, field: .saddr, match: .range(AddressRange(IPAddress("2001:db8::11")!)))
        #expect(input.map { Array($0.expressions.prefix(2)) } == [
            [v4peer, .port(proto: .udp, field: .dport, match: .range(PortRange(30000, 30100)))],
            [v4peer, .l4proto(112)],
            [v4peer, .icmpType(family: .v4, types: [8])],
            [v6peer, .port(proto: .udp, field: .dport, match: .range(PortRange(30000, 30100)))],
            [v6peer, .l4proto(112)],
            [v6peer, .l4proto(58)],
        ])
        #expect(try flowRules(fleet, "lb-02", "output").count == 6)
        #expect(try flowRules(fleet, "web-01", "input").isEmpty)
    }

    @Test func deterministic() throws {
        let fleet = F.small(flows: [F.allow([.fleet], [.network("internet")], [https], line: 2, "allow * -> internet : https")])
        let a = Compiler(fleet: fleet).compileAll().map(\.ruleset)
        let b = Compiler(fleet: fleet).compileAll().map(\.ruleset)
        #expect(a == b)
    }

    @Test(arguments: [
        ("short", "short"),
        ("has \"quotes\"", "has 'quotes'"),
        (String(repeating: "x", count: 200), String(repeating: "x", count: 125) + "..."),
        (String(repeating: "é", count: 100), String(repeating: "é", count: 62) + "..."),
    ])
    func commentsFitNft(input: String, expected: String) {
        #expect(RuleComment.clip(input) == expected)
        #expect(RuleComment.clip(input).utf8.count <= 128)
    }
}
