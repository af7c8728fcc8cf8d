import FwctlCompiler
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// `defaults { forward = policy }`: the forward chain admits a published container port
/// exactly where the policy admits the host's own port, and the verifier and `test` judge it.
@Suite struct ForwardPolicyTests {
    static let policy = """
    defaults { forward = policy }
    network office = 203.0.113.0/26, 2001:db8:100::/56
    role lb  { host lb1 = 192.0.2.10, 2001:db8:1::10 }
    role web { host web1 = 192.0.2.20, 2001:db8:1::20 }
    role mon { host mon1 = 192.0.2.30, 2001:db8:1::30 }
    allow lb     -> web : tcp/8080, tcp/8443
    allow mon    -> web : tcp/9100-9101
    deny  office -> web : tcp/8080
    allow office -> web : tcp/8080, ssh
    allow web    -> mon : udp/53
    service ssh = tcp/22
    test "published" {
      expect allow lb -> web : tcp/8080
      expect deny  mon -> web : tcp/8080
      expect deny  office -> web : tcp/8080
    }
    """

    static func compiled(_ text: String = policy) throws -> (Fleet, [String: Ruleset]) {
        let fleet = try PolicyText.fleet(text)
        let rulesets = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
        return (fleet, rulesets)
    }

    static func forward(_ ruleset: Ruleset?) throws -> Chain {
        try #require(ruleset?.tables.first?.chain(named: "forward"))
    }

    @Test func forwardChainMatchesWhatTheClientAskedFor() throws {
        let (_, rulesets) = try Self.compiled()
        let table = try #require(rulesets["web1"]?.tables.first)
        let chain = try Self.forward(rulesets["web1"])
        #expect(chain.hook == BaseChainHook(hook: .forward, priority: -10, policy: .drop))
        #expect(table.set(named: "self_v4")?.elements == [.address(AddressRange(IPAddress("192.0.2.20")!))])
        let lines = chain.rules.map { NftText.render(rule: $0) }
        // Every port range of a flow is its own rule, with the flow's counter and comment.
        #expect(lines.contains("ip saddr @role_lb_v4 ct original ip daddr @self_v4 meta l4proto tcp ct original proto-dst 8080 counter packets 0 bytes 0 accept comment \"t.policy:6: allow lb -> web : tcp/8080, tcp/8443\""))
        #expect(lines.contains("ip6 saddr @role_lb_v6 ct original ip6 daddr @self_v6 meta l4proto tcp ct original proto-dst 8443 counter packets 0 bytes 0 accept comment \"t.policy:6: allow lb -> web : tcp/8080, tcp/8443\""))
        #expect(lines.contains { $0.hasPrefix("ip saddr @role_mon_v4 ct original ip daddr @self_v4 meta l4proto tcp ct original proto-dst 9100-9101 counter") })
        // The deny comes before the allow of the same port, and the rest addressed here drops.
        let deny = try #require(lines.firstIndex { $0.contains("@net_office_v4") && $0.hasSuffix("deny office -> web : tcp/8080\"") })
        let allow = try #require(lines.firstIndex { $0.contains("@net_office_v4") && $0.contains("allow office -> web") })
        #expect(deny < allow)
        let catchAll = try #require(lines.firstIndex { $0.hasPrefix("ct original ip daddr @self_v4 counter packets 0 bytes 0 drop") })
        #expect(allow < catchAll)
        // What the containers start meets the host's egress flows, after the same-link rule.
        let bridge = try #require(lines.firstIndex { $0.hasPrefix("fib daddr . iif oif exists counter") })
        let egress = try #require(lines.firstIndex { $0.hasPrefix("ip daddr @role_mon_v4 udp dport 53 counter") })
        #expect(catchAll < bridge && bridge < egress)
        #expect(chain.rules.last?.comment == "fwctl: dropped by the chain policy")
        // A host no flow names as destination still drops what is forwarded to it.
        let lbChain = try Self.forward(rulesets["lb1"])
        #expect(lbChain.rules.contains { NftText.render(rule: $0).hasPrefix("ct original ip6 daddr @self_v6 counter packets 0 bytes 0 drop") })
    }

    @Test func egressOpenForwardsTheContainersTrafficButNotUnadmittedConnectionsToTheHost() throws {
        let (_, rulesets) = try Self.compiled(Self.policy.replacingOccurrences(of: "forward = policy", with: "forward = policy egress = open"))
        let chain = try Self.forward(rulesets["web1"])
        #expect(chain.hook?.policy == .accept)
        #expect(chain.rules.contains { NftText.render(rule: $0).hasPrefix("ct original ip daddr @self_v4 counter packets 0 bytes 0 drop") })
        #expect(!chain.rules.contains { $0.comment?.contains("allow web -> mon") == true })
    }

    @Test func verifierProvesTheCompiledForwardChain() throws {
        let (fleet, rulesets) = try Self.compiled()
        for host in ["lb1", "web1", "mon1"] {
            let result = PolicyVerifier.verify(fleet: fleet, host: host, ruleset: rulesets[host]!)
            #expect(result.isClean, "\(host): \(result.discrepancies) \(result.problems)")
        }
    }

    /// Each mutation of web1's forward chain is a discrepancy or a problem on the forward side.
    @Test(arguments: ["drop the lb rule", "accept before the catch-all", "drop the v6 catch-all", "self set misses the host"])
    func verifierCatchesABrokenForwardChain(_ mutation: String) throws {
        let (fleet, rulesets) = try Self.compiled()
        var table = try #require(rulesets["web1"]?.tables.first)
        let f = try #require(table.chains.firstIndex { $0.name == "forward" })
        let rules = table.chains[f].rules
        switch mutation {
        case "drop the lb rule":
            table.chains[f].rules.removeAll { $0.comment?.contains("allow lb -> web") == true && $0.expressions.contains(.originalPort(proto: .tcp, range: PortRange(8080))) }
        case "accept before the catch-all":
            let i = try #require(rules.firstIndex { $0.comment == "fwctl: forwarded to this host, no flow admits it" })
            table.chains[f].rules.insert(Rule([.originalDestination(family: .v4, set: "self_v4"), .originalPort(proto: .tcp, range: PortRange(5432)), .verdict(.accept)]), at: i)
        case "drop the v6 catch-all":
            table.chains[f].rules.removeAll { $0.expressions.first == .originalDestination(family: .v6, set: "self_v6") && $0.verdict == .drop && $0.expressions.count == 3 }
        default:
            let s = try #require(table.sets.firstIndex { $0.name == "self_v4" })
            table.sets[s].elements = [.address(AddressRange(IPAddress("192.0.2.99")!))]
        }
        let result = PolicyVerifier.verify(fleet: fleet, host: "web1", ruleset: Ruleset(tables: [table]))
        #expect(!result.isClean)
        #expect((result.discrepancies.map(\.direction) + result.problems.map(\.direction)).allSatisfy { $0 == .forward })
    }

    @Test func testRunnerJudgesThePublishedPortToo() throws {
        let report = try PolicyText.report(Self.policy)
        #expect(report.tests[0].expectations.allSatisfy { $0.passed })
        // Break only the forward chain: the input chain still admits lb, the published port not.
        let (fleet, rulesets) = try Self.compiled()
        var broken = rulesets
        var table = rulesets["web1"]!.tables[0]
        let f = table.chains.firstIndex { $0.name == "forward" }!
        table.chains[f].rules.removeAll { $0.comment?.contains("allow lb -> web") == true }
        broken["web1"] = Ruleset(tables: [table])
        let result = PolicyTestRunner(fleet: fleet, model: FleetModel(fleet: fleet, rulesets: broken)).run()
        let first = result.tests[0].expectations[0]
        #expect(!first.passed)
        #expect(first.failure?.ends.contains { $0.chain == "forward" } == true)
        #expect(result.tests[0].expectations[1].passed && result.tests[0].expectations[2].passed)
    }

    @Test func forwardDropAndUnmanagedAreNotVerifiedAsPublishedPorts() throws {
        for mode in ["drop", "unmanaged"] {
            let (fleet, rulesets) = try Self.compiled(Self.policy.replacingOccurrences(of: "forward = policy", with: "forward = \(mode)"))
            let result = PolicyVerifier.verify(fleet: fleet, host: "web1", ruleset: rulesets["web1"]!)
            #expect(result.isClean)
            #expect(FleetModel(fleet: fleet, rulesets: rulesets).host(named: "web1")?.forwarded == nil)
        }
    }

    /// Hosts of one role share a compiled table unless it holds their own addresses.
    @Test func compileAllGivesEveryHostItsOwnSelfSet() throws {
        let text = Self.policy.replacingOccurrences(of: "role web { host web1 = 192.0.2.20, 2001:db8:1::20 }",
                                                    with: "role web { host web1 = 192.0.2.20, 2001:db8:1::20\n host web2 = 192.0.2.21, 2001:db8:1::21 }")
        let fleet = try PolicyText.fleet(text)
        let all = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
        for host in ["web1", "web2"] {
            #expect(all[host] == (try Compiler(fleet: fleet).compile(host: host)), "\(host)")
        }
        #expect(all["web2"]?.tables.first?.set(named: "self_v4")?.elements == [.address(AddressRange(IPAddress("192.0.2.21")!))])
        let verified = PolicyVerifier.verify(fleet: fleet, hosts: ["web1", "web2"], rulesets: all)
        #expect(verified.allSatisfy { $0.isClean }, "\(verified)")
        // web1's table on web2 is wrong there, though the tables are equal: not shared.
        let copied = PolicyVerifier.verify(fleet: fleet, hosts: ["web1", "web2"], rulesets: ["web1": all["web1"]!, "web2": all["web1"]!])
        #expect(copied[0].isClean && !copied[1].isClean, "\(copied)")
    }
}
