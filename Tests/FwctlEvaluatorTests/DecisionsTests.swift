import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// Classes, their examples, and the admitted boxes.
@Suite struct DecisionsTests {
    static let chain = B.chain(.drop, [
        [B.saddr("10.0.0.0/24"), B.tcp(22...22), B.drop],
        [B.saddr("10.0.0.0/16"), B.tcp(22...22, 80...80), B.accept],
        [B.saddr("2001:db8::/64"), .l4proto(112), B.accept],
        [.icmpType(family: .v4, types: [8]), B.limit, B.accept],
    ])

    @Test func everyClassExampleGetsTheClassVerdict() {
        let (analysis, _) = B.analyse(Self.chain)
        let decisions = analysis.decisions
        #expect(!decisions.isEmpty)
        for (c, v) in decisions {
            #expect(analysis.verdict(for: c.example()) == v, "\(c)")
            // The last address and port of the class too: classes are whole.
            var last = c.example()
            let r = c.peers.ranges(c.family).last!
            last.source = r.upper
            if let ports = c.ports { last.port = ports.intervals.last!.upperBound }
            #expect(analysis.verdict(for: last) == v, "\(c)")
        }
    }

    @Test func admittedBoxesAreExactlyWhatIsAccepted() {
        let (analysis, _) = B.analyse(Self.chain)
        let boxes = Set(analysis.admitted.map(\.description))
        #expect(boxes == [
            "ip 10.0.0.0/24 tcp 80",
            "ip 10.0.1.0-10.0.255.255 tcp 22,80",
            "ip 0.0.0.0/0 icmp type 8 (rate-limited)",
            "ip6 2001:db8::/64 vrrp",
        ])
    }
}
