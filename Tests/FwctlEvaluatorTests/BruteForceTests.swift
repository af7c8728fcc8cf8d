import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// The class evaluator against the per-packet interpreter on random chains (seeded).
@Suite struct BruteForceTests {
    @Test(arguments: [AddressField.saddr, .daddr])
    func classVerdictsEqualPerPacketVerdicts(peer: AddressField) {
        var gen = RandomChains(seed: peer == .saddr ? 1 : 2)
        var compared = 0
        for _ in 0..<300 {
            let table = gen.table(peer: peer)
            let chain = table.chains[0]
            let analysis = ChainEvaluator.evaluate(chain: chain, in: table, peerField: peer)
            for _ in 0..<300 {
                let p = gen.packet(peer: peer)
                let naive = NaiveEvaluator.verdict(for: p, chain: chain, in: table, peerField: peer)
                let fast = analysis.verdict(for: p)
                #expect(fast == naive, "\(p) in \(chain.rules.map(\.expressions))")
                compared += 1
                if fast != naive { return }
            }
            // Every class's example packet, too: they sit on the classes' lower edges.
            for (c, v) in analysis.decisions {
                let naive = NaiveEvaluator.verdict(for: c.example(local: peer == .saddr ? c.family.unspecified : nil), chain: chain, in: table, peerField: peer)
                #expect(naive.verdict == v.verdict && naive.rule == v.rule, "\(c) in \(chain.rules.map(\.expressions))")
            }
        }
        #expect(compared == 90_000)
    }

    /// Removing a rule found unreachable changes no packet's verdict.
    @Test func unreachableRulesCanGo() {
        var gen = RandomChains(seed: 3)
        var removed = 0
        for _ in 0..<300 {
            let table = gen.table(peer: .saddr)
            let chain = table.chains[0]
            let analysis = ChainEvaluator.evaluate(chain: chain, in: table, peerField: .saddr)
            guard let dead = analysis.unreachable.first else { continue }
            var smaller = chain
            smaller.rules.remove(at: dead.rule)
            removed += 1
            for _ in 0..<200 {
                let p = gen.packet(peer: .saddr)
                let before = NaiveEvaluator.verdict(for: p, chain: chain, in: table, peerField: .saddr)
                let after = NaiveEvaluator.verdict(for: p, chain: smaller, in: table, peerField: .saddr)
                #expect(before.verdict == after.verdict, "\(p): rule \(dead) in \(chain.rules.map(\.expressions))")
                // The rule never decided, and its hiders are earlier rules.
                #expect(before.rule != dead.rule && before.overflowRule != dead.rule)
            }
            #expect(dead.hiddenBy.allSatisfy { $0 < dead.rule })
        }
        #expect(removed > 50)
    }
}
