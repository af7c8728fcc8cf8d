import Testing
import FwctlNet
@testable import FwctlPolicy

/// Good inputs give the expected Fleet pieces.
@Suite struct ParserTests {
    static let header = "role web { host w1 = 192.0.2.1, 2001:db8::1 }\nrole db { host d1 = 192.0.2.9 }\nnetwork office = 203.0.113.0/24\n"

    static func fleet(_ body: String) throws -> Fleet {
        let r = Here.check(header + body)
        let rendered = DiagnosticRenderer(files: r.files, color: false).render(r.diagnostics)
        #expect(!r.hasErrors, "\(rendered)")
        return try #require(r.fleet)
    }

    @Test(arguments: [
        ("service s = tcp/443", [ServiceAtom.ports(.tcp, [PortRange(443)])]),
        ("service s = udp/53, tcp/53", [.ports(.udp, [PortRange(53)]), .ports(.tcp, [PortRange(53)])]),
        ("service s = tcp/30000-30100", [.ports(.tcp, [PortRange(30000, 30100)])]),
        ("service s = sctp/3868", [.ports(.sctp, [PortRange(3868)])]),
        ("service s = tcp/1-65535", [.ports(.tcp, [PortRange(1, 65535)])]),
        ("service s = proto vrrp", [.proto(112)]),
        ("service s = proto 47", [.proto(47)]),
        ("service s = proto carp", [.proto(112)]),
        ("service s = icmp", [.icmp(types: nil)]),
        ("service s = icmp echo-request", [.icmp(types: [8])]),
        ("service s = icmp 8, 0", [.icmp(types: [8, 0])]),
        ("service s = icmpv6 echo-request, echo-reply, nd-neighbor-solicit", [.icmpv6(types: [128, 129, 135])]),
        ("service s = icmp echo-request, icmpv6 echo-request", [.icmp(types: [8]), .icmpv6(types: [128])]),
        ("service s = icmp, tcp/22", [.icmp(types: nil), .ports(.tcp, [PortRange(22)])]),
    ])
    func serviceAtoms(text: String, atoms: [ServiceAtom]) throws {
        let f = try Self.fleet(text + "\nallow web -> db : s\n")
        #expect(f.service(named: "s")?.atoms == atoms)
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("192.0.2.7", "192.0.2.7"),
        ("203.0.113.32-203.0.113.47", "203.0.113.32/28"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("::/0", "::/0"),
        ("2001:db8::1-2001:db8::3", "2001:db8::1-2001:db8::3"),
        ("0.0.0.0/0, ::/0", "0.0.0.0/0 ::/0"),
    ])
    func networkAddresses(text: String, expected: String) throws {
        let f = try Self.fleet("network n = \(text)\nallow n -> web : tcp/1\n")
        let set = try #require(f.network(named: "n")?.addresses)
        #expect((set.ranges(.v4) + set.ranges(.v6)).map(\.description).joined(separator: " ") == expected)
    }

    @Test(arguments: [
        ("allow web -> db : tcp/5432", "allow web -> db : tcp/5432", [Endpoint.role("web")], [Endpoint.role("db")]),
        ("allow office,web->db:tcp/1", "allow office, web -> db : tcp/1", [.network("office"), .role("web")], [.role("db")]),
        ("allow * -> w1 : any", "allow * -> w1 : any", [.fleet], [.host("w1")]),
        ("allow 2001:db8::5 -> web : tcp/1", "allow 2001:db8::5 -> web : tcp/1", [.addresses(AddressSet(v6: IntervalSet([0x2001_0db8_0000_0000_0000_0000_0000_0005...0x2001_0db8_0000_0000_0000_0000_0000_0005])), text: "2001:db8::5")], [.role("web")]),
        ("allow web\n  -> db\n  : tcp/1,\n    udp/2", "allow web -> db : tcp/1, udp/2", [.role("web")], [.role("db")]),
        ("deny office -> web : icmp echo-request", "deny office -> web : icmp echo-request", [.network("office")], [.role("web")]),
    ])
    func flows(text: String, oneLine: String, sources: [Endpoint], destinations: [Endpoint]) throws {
        let f = try Self.fleet(text + "\nallow office -> web : tcp/9\n")
        let flow = try #require(f.flows.first)
        #expect(flow.text == oneLine)
        #expect(flow.sources == sources)
        #expect(flow.destinations == destinations)
        #expect(flow.range.start.line == 4)
    }

    @Test func inlineServicesKeepTheirText() throws {
        let f = try Self.fleet("allow web -> db : tcp/5432, proto gre, icmp echo-request, any\n")
        #expect(f.flows[0].services.map(\.name) == ["tcp/5432", "proto gre", "icmp echo-request", "any"])
        #expect(f.flows[0].services.allSatisfy { $0.isInline })
        #expect(f.flows[0].services[3].atoms == [.any])
    }

    @Test func metadata() throws {
        let f = try Self.fleet("allow web -> db : tcp/1 { owner \"db \\\"core\\\" team\" because \"orders\" review 2028-02-29 }\n")
        #expect(f.flows[0].metadata == FlowMetadata(owner: "db \"core\" team", justification: "orders", reviewBy: CalendarDate(year: 2028, month: 2, day: 29)))
    }

    static func with(_ change: (inout Defaults) -> Void) -> Defaults {
        var d = Defaults()
        change(&d)
        return d
    }

    @Test(arguments: [
        ("egress = open", with { $0.egressFiltering = false }),
        ("log = off", with { $0.logDrops = false }),
        ("log = 3/hour", with { $0.logRate = Rate(3, per: .hour) }),
        ("echo = off", with { $0.echoRequest = false }),
        ("echo = 1/day", with { $0.echoRate = Rate(1, per: .day) }),
        ("table = fw_main", with { $0.tableName = "fw_main" }),
        ("forward = drop", with { $0.forward = .drop }),
        ("forward = policy", with { $0.forward = .policy }),
        ("forward = unmanaged\n egress = filter", Defaults()),
    ])
    func defaults(text: String, expected: Defaults) throws {
        let f = try Self.fleet("defaults { \(text) }\nallow office -> web : tcp/1\n")
        #expect(f.defaults == expected)
    }

    @Test func testsAndExpectations() throws {
        let f = try Self.fleet("allow web -> db : tcp/1\ntest \"t1\" {\n expect allow web -> db : tcp/1\n expect deny office -> db : any\n expect only web -> d1 : tcp/1\n}\n")
        #expect(f.tests.map(\.name) == ["t1"])
        #expect(f.tests[0].expectations.map(\.kind) == [.allow, .deny, .only])
        #expect(f.tests[0].expectations[2].destinations == [.host("d1")])
        #expect(f.tests[0].expectations[1].text == "expect deny office -> db : any")
        #expect(f.tests[0].expectations[0].range.start.line == 6)
    }

    @Test func stackedHostsAndFirstAppearanceOrder() throws {
        let f = try Self.fleet("role cache { host d1 = 192.0.2.9\n host c1 = 192.0.2.20 }\nallow web -> cache, db : tcp/1\n")
        #expect(f.hosts.map(\.name) == ["w1", "d1", "c1"])
        #expect(f.host(named: "d1")?.roles == ["db", "cache"])
        #expect(f.role(named: "cache")?.hosts == ["d1", "c1"])
    }

    @Test func filesFormOnePolicyWithForwardReferences() throws {
        let a = SourceFile(path: "a.policy", text: "allow web -> db : https\n")
        let b = SourceFile(path: "b.policy", text: "service https = tcp/443\n" + Self.header)
        let r = PolicyFrontEnd.check(files: [a, b], today: Here.today)
        #expect(!r.hasErrors)
        let flow = try #require(r.fleet?.flows.first)
        #expect(flow.range.file == "a.policy")
    }
}
