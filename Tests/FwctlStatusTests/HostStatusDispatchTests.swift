import FwctlLog
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlStatus

/// With `dispatch = map` a flow's rules sit in per-port chains: their counters still belong
/// to the flow's policy line and to the direction of the base chain that dispatches them.
@Suite struct HostStatusDispatchTests {
    @Test func portChainCountersCountForTheirBaseChain() {
        let table = Table(name: "fwctl", sets: [
            NamedSet(name: "in_ports", keyType: .protoService, isInterval: false,
                     elements: [.dispatch(proto: 6, port: 443, verdict: .jump("in_tcp_443")), .dispatch(proto: 6, port: 80, verdict: .jump("in_tcp_80"))]),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
                Rule([.dispatch(map: "in_ports")], comment: "fwctl: flows by protocol and port"),
            ]),
            Chain(name: "in_tcp_80", rules: [HostStatusTests.rule(.v4, 2, 120, .accept, "a.policy:9: allow lb -> web : http, https")]),
            Chain(name: "in_tcp_443", rules: [HostStatusTests.rule(.v4, 5, 300, .accept, "a.policy:9: allow lb -> web : http, https")]),
        ])
        let (flows, _) = HostStatus.counters(of: table)
        #expect(flows.count == 1)
        #expect(flows.first?.direction == "input")
        #expect(flows.first?.packets == 7 && flows.first?.rules == 2)
        #expect(table.baseChainName(of: "in_tcp_80") == "input" && table.baseChainName(of: "input") == "input")
    }
}
