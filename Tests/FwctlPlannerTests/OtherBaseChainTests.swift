import FwctlRuleset
import Testing
@testable import FwctlPlanner

/// Which other tables' base chains fwctl warns about, and what it says of each.
@Suite struct OtherBaseChainTests {
    static let docker: [OtherBaseChain] = [
        OtherBaseChain(family: .ip, table: "nat", chain: "PREROUTING", hook: .prerouting, priority: -100, policy: .accept),
        OtherBaseChain(family: .ip, table: "filter", chain: "FORWARD", hook: .forward, priority: 0, policy: .drop),
        OtherBaseChain(family: .ip6, table: "filter", chain: "INPUT", hook: .input, priority: 0, policy: .accept),
        OtherBaseChain(family: .ip, table: "nat", chain: "POSTROUTING", hook: .postrouting, priority: 100, policy: .accept),
    ]

    static func table(_ hooks: [Hook]) -> Table {
        Table(name: "fwctl", chains: hooks.map { Chain(name: $0.rawValue, hook: BaseChainHook(hook: $0, policy: .drop)) })
    }

    @Test func forwardUnmanagedWarnsThatPublishedPortsPassThePolicy() {
        let w = OtherBaseChain.warnings(for: Self.table([.input, .output]), others: Self.docker)
        #expect(w.count == 3)
        #expect(w[0].hasPrefix("table ip nat has base chain PREROUTING on hook prerouting (priority -100, policy accept): connections it redirects (DNAT, published container ports) are forwarded past fwctl's input chain"))
        #expect(w[1].hasPrefix("table ip filter has base chain FORWARD on hook forward (priority 0, policy drop): fwctl does not filter forwarded traffic (defaults { forward = policy } does)"))
        #expect(w[2] == "table ip6 filter has base chain INPUT on hook input (priority 0, policy accept): its drops apply too; fwctl leaves it alone")
    }

    @Test func aManagedForwardChainSharesTheHook() {
        let w = OtherBaseChain.warnings(for: Self.table([.input, .output, .forward]), others: Self.docker)
        #expect(w.count == 3)
        #expect(w[0].contains("connections it redirects (DNAT) meet fwctl's forward chain, not its input chain"))
        #expect(w[1].hasSuffix("(priority 0, policy drop): its drops apply too; fwctl leaves it alone"))
        #expect(!w.contains { $0.contains("POSTROUTING") })
    }
}
