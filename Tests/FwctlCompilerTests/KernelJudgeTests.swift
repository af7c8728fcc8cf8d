import Testing
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlCompiler

/// nftables judges the compiler on fleets built in code, covering every kind of flow the
/// compiler emits: accepted by `nft -c`, loaded by `nft -f`, listed back identically.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: loads rulesets into a network namespace"))
struct KernelJudgeTests {
    @Test func everyFlowShapeLoadsAndListsBackIdentically() throws {
        let mixed = F.svc("mixed", .proto(112), .proto(47), .icmp(types: [8, 13]), .icmpv6(types: nil), .icmp(types: nil),
                          .ports(.udp, [PortRange(30000, 30100), PortRange(53)]), .ports(.sctp, [PortRange(3868)]),
                          .ports(.tcp, [PortRange(22)]))
        let any = ServiceRef(name: "any", isInline: true, atoms: [.any])
        var d = Defaults()
        d.forward = .drop
        let fleet = F.small(flows: [
            F.allow([.role("lb")], [.role("web")], [F.svc("https", .ports(.tcp, [PortRange(443)]))], line: 1, "allow lb -> web : https"),
            F.allow([.host("lb-02")], [.host("lb-01")], [mixed], line: 2, "allow lb-02 -> lb-01 : mixed"),
            F.allow([.network("internet")], [.fleet], [any], line: 3, "allow internet -> * : any"),
            F.allow([.addresses(F.addrs("203.0.113.0/24", "198.51.100.7", "2001:db8:1::/48"), text: "203.0.113.0/24, 198.51.100.7, 2001:db8:1::/48")],
                    [.role("lb")], [mixed], line: 4, "allow literal -> lb : mixed"),
            F.deny([.fleet], [.addresses(F.addrs("192.0.2.0/30"), text: "192.0.2.0/30")], [any], line: 5, "deny * -> 192.0.2.0/30 : any"),
        ], defaults: d)
        let ns = try TestNamespace(prefix: "fwctl-compiler")
        defer { ns.remove() }
        for (host, ruleset) in Compiler(fleet: fleet).compileAll() {
            let text = NftText.render(ruleset)
            _ = try ns.nft(["-c", "-f", "-"], stdin: text)
            _ = try ns.nft(["-f", "-"], stdin: text)
            let listed = try ns.nft(["list", "table", "inet", "fwctl"])
            #expect(normaliseCounters(listed) == normaliseCounters(text), "\(host):\n\(text)\n---\n\(listed)")
            _ = try ns.nft(["delete", "table", "inet", "fwctl"])
        }
    }
}
