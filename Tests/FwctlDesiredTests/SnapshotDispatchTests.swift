import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlDesired

/// The compiled-table cache holds dispatch maps and vmap rules as they are.
@Suite struct SnapshotDispatchTests {
    @Test func mapsAndVmapRulesRoundTrip() throws {
        var t = SampleTable.lbToWeb(lbHosts: ["192.0.2.10"])
        t.sets.append(NamedSet(name: "in_ports", keyType: .protoService, isInterval: false, elements: [
            .dispatch(proto: 6, port: 443, verdict: .jump("in_tcp_443")), .dispatch(proto: 17, port: 53, verdict: .goto("in_udp_53")),
            .dispatch(proto: 132, port: 9, verdict: .accept), .dispatch(proto: 6, port: 1, verdict: .drop), .dispatch(proto: 6, port: 2, verdict: .return),
        ]))
        t.chains[0].rules.append(Rule([.dispatch(map: "in_ports")], comment: "fwctl: flows by protocol and port"))
        t.chains.append(Chain(name: "in_tcp_443", rules: [Rule([.counter(packets: 0, bytes: 0), .verdict(.accept)], comment: "p:1: x")]))
        let e = CompiledTableCacheTests.entry(t)
        let decoded = try #require(TableSnapshot.decode(TableSnapshot.encode(e)))
        #expect(decoded.table == t)
    }
}
