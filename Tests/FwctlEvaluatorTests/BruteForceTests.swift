import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// The class evaluator against the per-packet interpreter on random chains (seeded).
@Suite struct BruteForceTests {
    @Test(arguments: [AddressField.saddr, .daddr])
    func classVerdictsEqualPerPacketVerdicts(peer: AddressField) {
        var compared = 0
        RandomChains.rounds(seed: peer == .saddr ? 1 : 2, 300, peer: peer) { gen, table in
            let (analysis, verdicts) = gen.agreeWithNaive(table, peer: peer, packets: 300)
            compared += verdicts.count
            // Every class's example packet, too: they sit on the classes' lower edges.
            let chain = table.chains[0]
            for (c, v) in analysis.decisions {
                let naive = NaiveEvaluator.verdict(for: c.example(local: peer == .saddr ? c.family.unspecified : nil), chain: chain, in: table, peerField: peer)
                #expect(naive.verdict == v.verdict && naive.rule == v.rule, "\(c) in \(chain.rules.map(\.expressions))")
            }
        }
        #expect(compared == 90_000)
    }

    /// Removing a rule found unreachable changes no packet's verdict.
    @Test func unreachableRulesCanGo() {
        var removed = 0
        RandomChains.rounds(seed: 3, 300) { gen, table in
            let chain = table.chains[0]
            let analysis = ChainEvaluator.evaluate(chain: chain, in: table, peerField: .saddr)
            guard let dead = analysis.unreachable.first else { return }
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
