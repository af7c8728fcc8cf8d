import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlDesired

/// The compiled-table cache holds a `forward = policy` chain's matches as they are.
@Suite struct SnapshotForwardTests {
    @Test func originalDestinationPortAndSameLinkRouteRoundTrip() throws {
        var t = SampleTable.lbToWeb(lbHosts: ["192.0.2.10"])
        t.sets.append(NamedSet(name: "self_v6", keyType: .ipv6Addr, elements: [.address(AddressRange(IPAddress("2001:db8::20")!))]))
        t.chains.append(Chain(name: "forward", hook: BaseChainHook(hook: .forward, priority: -10, policy: .drop), rules: [
            Rule([.originalDestination(family: .v6, set: "self_v6"), .originalPort(proto: .tcp, range: PortRange(8080)),
                  .counter(packets: 3, bytes: 180), .verdict(.accept)], comment: "p:2: lb -> web"),
            Rule([.originalPort(proto: .udp, range: PortRange(1000, 2000)), .verdict(.drop)]),
            Rule([.sameLinkRoute, .verdict(.accept)]),
        ]))
        let decoded = try #require(TableSnapshot.decode(TableSnapshot.encode(CompiledTableCacheTests.entry(t))))
        #expect(decoded.table == t)
    }
}
