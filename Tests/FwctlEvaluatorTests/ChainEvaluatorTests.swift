import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// Verdicts of small hand-built chains, computed by hand.
@Suite struct ChainEvaluatorTests {
    /// Expected: (packet, decision, deciding rule; nil = policy).
    typealias Case = ChainCase<[(Packet, ChainVerdict.Decision, Int?)]>

    static let cases: [Case] = [
        Case(name: "deny exception before a wider accept (overlapping prefixes)",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/24"), B.tcp(22...22), B.drop],
                                    [B.saddr("10.0.0.0/8"), B.tcp(22...22), B.counter, B.accept]]),
             expect: [(B.from("10.0.0.5", 6, 22), .drop, 0), (B.from("10.0.1.5", 6, 22), .accept, 1),
                      (B.from("10.255.255.255", 6, 22), .accept, 1), (B.from("11.0.0.0", 6, 22), .drop, nil),
                      (B.from("10.0.1.5", 6, 23), .drop, nil), (B.from("10.0.1.5", 17, 22), .drop, nil)]),
        Case(name: "port ranges and anonymous sets",
             chain: B.chain(.drop, [[B.saddr("192.0.2.1", "192.0.2.5"), B.tcp(80...80, 443...443, 8000...8100), B.accept]]),
             expect: [(B.from("192.0.2.1", 6, 80), .accept, 0), (B.from("192.0.2.5", 6, 8100), .accept, 0),
                      (B.from("192.0.2.5", 6, 8101), .drop, nil), (B.from("192.0.2.3", 6, 443), .drop, nil),
                      (B.from("192.0.2.5", 6, 7999), .drop, nil), (B.from("192.0.2.1", 17, 80), .drop, nil)]),
        Case(name: "named sets",
             chain: B.chain(.drop, [[B.saddrSet("role_web_v4"), B.udp(53...53), B.accept]]),
             sets: [B.set("role_web_v4", "10.0.1.0/24", "10.0.3.1")],
             expect: [(B.from("10.0.1.77", 17, 53), .accept, 0), (B.from("10.0.3.1", 17, 53), .accept, 0),
                      (B.from("10.0.3.2", 17, 53), .drop, nil), (B.from("10.0.2.0", 17, 53), .drop, nil)]),
        Case(name: "IPv6 rules leave IPv4 alone",
             chain: B.chain(.drop, [[B.saddr("2001:db8::/32"), B.tcp(443...443), B.accept]]),
             expect: [(B.from("2001:db8:1::9", 6, 443), .accept, 0), (B.from("2001:db9::1", 6, 443), .drop, nil),
                      (B.from("10.0.0.1", 6, 443), .drop, nil)]),
        Case(name: "protocol-only rules match every port of a protocol, no other protocol",
             chain: B.chain(.drop, [[B.saddr("10.0.0.0/8"), .l4proto(112), B.accept], [.l4proto(6), B.accept]]),
             expect: [(B.from("10.9.9.9", 112), .accept, 0), (B.from("11.0.0.1", 112), .drop, nil),
                      (B.from("11.0.0.1", 6, 1), .accept, 1), (B.from("2001:db8::1", 6, 65535), .accept, 1),
                      (B.from("10.9.9.9", 47), .drop, nil)]),
        Case(name: "icmp types per family; rate-limited echo request",
             chain: B.chain(.drop, [[.icmpType(family: .v4, types: [3, 11]), B.accept],
                                    [.icmpType(family: .v4, types: [8]), B.limit, B.counter, B.accept],
                                    [.icmpType(family: .v6, types: [128]), B.limit, B.accept]]),
             expect: [(B.from("10.0.0.1", 1, type: 3), .accept, 0), (B.from("10.0.0.1", 1, type: 8), .acceptRateLimited, 1),
                      (B.from("10.0.0.1", 1, type: 0), .drop, nil), (B.from("2001:db8::1", 58, type: 128), .acceptRateLimited, 2),
                      (B.from("2001:db8::1", 58, type: 3), .drop, nil), (B.from("2001:db8::1", 1, type: 3), .drop, nil)]),
        Case(name: "conntrack and loopback rules do not take NEW packets",
             chain: B.chain(.drop, [[.ctState([.established, .related]), B.accept], [.ctState(.invalid), B.drop],
                                    [.interface(direction: .iif, name: "lo"), B.accept],
                                    [.ctState([.new]), B.tcp(22...22), B.accept]]),
             expect: [(B.from("10.0.0.1", 6, 22), .accept, 3), (B.from("10.0.0.1", 6, 80), .drop, nil)]),
        Case(name: "policy accept: what no rule drops gets through",
             chain: B.chain(.accept, [[B.saddr("203.0.113.0/24"), B.drop], [B.counter]], hook: .input),
             expect: [(B.from("203.0.113.9", 17, 5), .drop, 0), (B.from("198.51.100.1", 17, 5), .accept, nil),
                      (B.from("::1", 0), .accept, nil)]),
        Case(name: "rate-limited accept followed by an accept of the same packets is a plain accept",
             chain: B.chain(.drop, [[.icmpType(family: .v4, types: [8]), B.limit, B.accept], [B.saddr("10.0.0.0/8"), B.accept]]),
             expect: [(B.from("10.0.0.1", 1, type: 8), .accept, 0), (B.from("11.0.0.1", 1, type: 8), .acceptRateLimited, 0)]),
    ]

    @Test(arguments: cases)
    func verdicts(_ c: Case) {
        let (analysis, table) = B.analyse(c.chain, sets: c.sets)
        for (packet, decision, rule) in c.expect {
            let v = analysis.verdict(for: packet)
            #expect(v.verdict == decision, "\(packet)")
            #expect(v.rule == rule, "\(packet)")
            #expect(NaiveEvaluator.verdict(for: packet, chain: c.chain, in: table, peerField: .saddr) == v, "\(packet)")
        }
    }

    @Test func outputChainsFilterOnTheDestination() {
        let chain = B.chain(.drop, [[B.daddr("10.0.2.0/24"), B.tcp(5432...5432), B.accept]], hook: .output)
        let (analysis, _) = B.analyse(chain, peer: .daddr)
        let out = Packet(family: .v4, source: B.ip("10.0.1.1"), destination: B.ip("10.0.2.9"), proto: 6, port: 5432)
        let back = Packet(family: .v4, source: B.ip("10.0.2.9"), destination: B.ip("10.0.1.1"), proto: 6, port: 5432)
        #expect(analysis.verdict(for: out) == ChainVerdict(verdict: .accept, rule: 0))
        #expect(analysis.verdict(for: back) == ChainVerdict(verdict: .drop, rule: nil))
    }

    @Test func uncertainRulesAreNamedNotTrusted() {
        let chain = B.chain(.drop, [[B.daddr("10.0.0.1"), B.tcp(22...22), B.accept], [B.saddr("10.0.0.0/8"), B.accept]])
        let (analysis, _) = B.analyse(chain)
        #expect(analysis.uncertain.map(\.rule) == [0])
        let v = analysis.verdict(for: B.from("10.0.0.7", 6, 22))
        #expect(v == ChainVerdict(verdict: .accept, rule: 1, uncertain: [0]))
        #expect(analysis.verdict(for: B.from("10.0.0.7", 6, 23)).uncertain == [])
    }
}
