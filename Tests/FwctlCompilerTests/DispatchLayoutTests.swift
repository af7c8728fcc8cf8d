import Testing
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlCompiler

/// `defaults { dispatch = map }`, the default: single-port flows move to per-port chains
/// reached through one verdict map; everything else stays in the base chain, around the
/// dispatch.
@Suite struct DispatchLayoutTests {
    let https = F.svc("https", .ports(.tcp, [PortRange(443)]))
    let web = F.svc("web", .ports(.tcp, [PortRange(80), PortRange(443), PortRange(8000, 8010)]))
    let any = ServiceRef(name: "any", isInline: true, atoms: [.any])

    func mapDefaults() -> Defaults {
        var d = Defaults()
        d.dispatchByMap = true
        return d
    }

    func table(_ flows: [Flow], host: String = "web-01") throws -> Table {
        try Compiler(fleet: F.small(flows: flows, defaults: mapDefaults())).compile(host: host).tables[0]
    }

    @Test func singlePortsGoToPortChainsDenyFirstEachWithCounterAndComment() throws {
        let t = try table([
            F.allow([.role("lb")], [.role("web")], [web], line: 1, "allow lb -> web : web"),
            F.deny([.network("internet")], [.role("web")], [https], line: 2, "deny internet -> web : https"),
        ])
        let map = try #require(t.set(named: "in_ports"))
        #expect(map.isVerdictMap)
        #expect(map.elements == [.dispatch(proto: 6, port: 80, verdict: .jump("in_tcp_80")),
                                 .dispatch(proto: 6, port: 443, verdict: .jump("in_tcp_443"))])
        let c443 = try #require(t.chain(named: "in_tcp_443"))
        #expect(c443.hook == nil)
        #expect(c443.rules.map(\.verdict) == [.drop, .accept], "deny first, whatever the source order")
        for rule in c443.rules {
            #expect(rule.expressions.contains(.counter(packets: 0, bytes: 0)))
            #expect(!rule.expressions.contains { if case .port = $0 { true } else { false } }, "the map matched the port")
        }
        #expect(c443.rules.map(\.comment) == ["t.policy:2: deny internet -> web : https", "t.policy:1: allow lb -> web : web"])
        let input = try #require(t.chain(named: "input"))
        let dispatchAt = try #require(input.rules.firstIndex { $0.expressions == [.dispatch(map: "in_ports")] })
        // The range stays in the base chain, after the dispatch (an allow).
        let rangeAt = try #require(input.rules.firstIndex {
            $0.expressions.contains(.port(proto: .tcp, field: .dport, match: .range(PortRange(8000, 8010))))
        })
        #expect(rangeAt > dispatchAt)
        #expect(input.rules[rangeAt].comment == "t.policy:1: allow lb -> web : web")
    }

    @Test func anyServiceAndIcmpStayInTheBaseChainDeniesBeforeTheDispatch() throws {
        let t = try table([
            F.allow([.network("internet")], [.role("web")], [https], line: 1, "allow internet -> web : https"),
            F.deny([.role("lb")], [.role("web")], [any], line: 2, "deny lb -> web : any"),
            F.allow([.role("lb")], [.role("web")], [F.svc("ping", .icmp(types: [8]))], line: 3, "allow lb -> web : ping"),
        ])
        let input = try #require(t.chain(named: "input"))
        let comments = input.rules.map { $0.comment ?? "" }
        let deny = try #require(comments.firstIndex(of: "t.policy:2: deny lb -> web : any"))
        let dispatch = try #require(input.rules.firstIndex { $0.expressions == [.dispatch(map: "in_ports")] })
        let ping = try #require(comments.firstIndex(of: "t.policy:3: allow lb -> web : ping"))
        #expect(deny < dispatch && dispatch < ping)
    }

    @Test func onByDefaultRulesOptsOutAndNoMapWithoutSinglePorts() throws {
        let flows = [F.allow([.role("lb")], [.role("web")], [https], line: 1, "allow lb -> web : https")]
        let byDefault = try Compiler(fleet: F.small(flows: flows)).compile(host: "web-01").tables[0]
        #expect(byDefault == (try table(flows)))
        #expect(byDefault.set(named: "in_ports")?.isVerdictMap == true && byDefault.chain(named: "in_tcp_443") != nil)
        var rulesLayout = Defaults()
        rulesLayout.dispatchByMap = false
        let plain = try Compiler(fleet: F.small(flows: flows, defaults: rulesLayout)).compile(host: "web-01").tables[0]
        #expect(plain.sets.allSatisfy { !$0.isVerdictMap } && plain.chains.count == 2)
        let ranges = try table([F.allow([.role("lb")], [.role("web")], [any], line: 1, "allow lb -> web : any")])
        #expect(ranges.set(named: "in_ports") == nil && ranges.chains.count == 2)
        #expect(!(ranges.chain(named: "input")?.rules.contains { $0.expressions == [.dispatch(map: "in_ports")] } ?? true))
    }

    @Test func addingAHostToARoleChangesSetElementsOnly() throws {
        let flows = [F.allow([.role("lb")], [.role("web")], [web], line: 1, "allow lb -> web : web")]
        var fleet = F.small(flows: flows, defaults: mapDefaults())
        let before = try Compiler(fleet: fleet).compile(host: "web-01").tables[0]
        fleet.hosts.append(Host(name: "lb-03", addresses: F.addrs("192.0.2.12"), roles: ["lb"], range: F.at(5)))
        fleet.roles[0].hosts.append("lb-03")
        let after = try Compiler(fleet: fleet).compile(host: "web-01").tables[0]
        #expect(after.chains == before.chains)
        #expect(after.set(named: "in_ports") == before.set(named: "in_ports"))
        #expect(after.set(named: "role_lb_v4") != before.set(named: "role_lb_v4"))
    }

    @Test func renderedAsNftListsIt() throws {
        let t = try table([F.allow([.role("lb")], [.role("web")], [web], line: 1, "allow lb -> web : web")])
        let text = NftText.render(t)
        #expect(text.contains("""
            \tmap in_ports {
            \t\ttype inet_proto . inet_service : verdict
            \t\telements = { tcp . 80 : jump in_tcp_80,
            \t\t\t     tcp . 443 : jump in_tcp_443 }
            \t}
            """))
        #expect(text.contains("\t\tmeta l4proto . th dport vmap @in_ports comment \"fwctl: flows by protocol and port\"\n"))
        #expect(text.contains("\tchain in_tcp_80 {\n\t\tip saddr @role_lb_v4 counter packets 0 bytes 0 accept comment \"t.policy:1: allow lb -> web : web\"\n"))
    }
}
