import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// Rules that decide nothing: shadowed, redundant, matching nothing; and rules that only look so.
@Suite struct UnreachableTests {
    typealias Case = ChainCase<[UnreachableRule]>

    static let ssh = B.tcp(22...22)

    static let cases: [Case] = [
        Case(name: "accept hidden by an earlier drop is shadowed",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/8"), ssh, B.drop], [B.saddr("10.0.0.5"), ssh, B.accept]]),
             expect: [UnreachableRule(rule: 1, kind: .shadowed, hiddenBy: [0])]),
        Case(name: "accept inside an earlier accept is redundant",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/8"), ssh, B.accept], [B.saddr("10.0.0.5"), ssh, B.counter, B.accept]]),
             expect: [UnreachableRule(rule: 1, kind: .redundant, hiddenBy: [0])]),
        Case(name: "hidden by the union of two earlier rules, neither covering it alone",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/25"), ssh, B.accept], [B.saddr("10.0.0.128/25"), ssh, B.accept],
                                    [B.saddr("10.0.0.0/24"), ssh, B.accept]]),
             expect: [UnreachableRule(rule: 2, kind: .redundant, hiddenBy: [0, 1])]),
        Case(name: "union of a drop and an accept: shadowed, both named",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/24"), B.tcp(20...25), B.drop], [B.saddr("10.0.0.0/16"), B.tcp(1...1000), B.accept],
                                    [B.saddr("10.0.0.0/23"), B.tcp(10...30), B.accept]]),
             expect: [UnreachableRule(rule: 2, kind: .shadowed, hiddenBy: [0, 1])]),
        Case(name: "ports split across two rules hide a third (port-wise union)",
             chain: B.chain(.drop, [[B.tcp(1...100), B.accept], [B.tcp(101...200), B.accept], [B.saddr("2001:db8::/64"), B.tcp(50...150), B.accept]]),
             expect: [UnreachableRule(rule: 2, kind: .redundant, hiddenBy: [0, 1])]),
        Case(name: "contradictory matches and empty sets match nothing",
             chain: B.chain(.drop, [[B.tcp(22...22), B.udp(53...53), B.accept], [B.saddrSet("empty_v4"), B.accept],
                                    [B.saddr("10.0.0.1"), .nfproto(.v6), B.accept]]),
             sets: [NamedSet(name: "empty_v4", keyType: .ipv4Addr)],
             expect: [UnreachableRule(rule: 0, kind: .matchesNothing, hiddenBy: []),
                      UnreachableRule(rule: 1, kind: .matchesNothing, hiddenBy: []),
                      UnreachableRule(rule: 2, kind: .matchesNothing, hiddenBy: [])]),
        Case(name: "a partial overlap is reachable",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/25"), ssh, B.drop], [B.saddr("10.0.0.0/24"), ssh, B.accept]]),
             expect: []),
        Case(name: "overflow of a rate-limited rule reaches later rules",
             chain: B.chain(.drop, [[.icmpType(family: .v4, types: [8]), B.limit, B.accept], [.l4proto(1), B.accept]]),
             expect: []),
        Case(name: "conntrack and loopback rules are out of scope, not unreachable; a log after a catch-all is",
             chain: B.chain(.drop, [[.ctState([.established, .related]), B.accept], [.interface(direction: .iif, name: "lo"), B.accept],
                                    [B.accept], [.ctState(.new), B.limit, .log(prefix: "x", level: nil)]]),
             expect: [UnreachableRule(rule: 3, kind: .shadowed, hiddenBy: [2])]),
    ]

    @Test(arguments: cases)
    func unreachable(_ c: Case) {
        let (analysis, _) = B.analyse(c.chain, sets: c.sets)
        #expect(analysis.unreachable == c.expect)
    }

    @Test func outOfScopeRulesAreListed() {
        let chain = B.chain(.drop, [[.ctState([.established, .related]), B.accept], [.ctState(.invalid), B.drop],
                                    [.interface(direction: .oif, name: "lo"), B.accept], [B.tcp(22...22), B.accept]], hook: .output)
        let (analysis, _) = B.analyse(chain, peer: .daddr)
        #expect(analysis.outOfScope.map(\.rule) == [0, 1, 2])
        #expect(analysis.unreachable.isEmpty)
    }
}
