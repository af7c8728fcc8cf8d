import FwctlEvaluator
import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing

/// The rounds of a property test over random chains, and the check every such test starts
/// from: the class evaluator decides each packet as the per-packet interpreter does.
extension RandomChains {
    /// `count` rounds from `seed`, each with a fresh table (`make`, by default one random base
    /// chain filtering on `peer`); `body` may draw more from the generator.
    static func rounds(seed: UInt64, _ count: Int, peer: AddressField = .saddr, table make: ((inout RandomChains) -> Table)? = nil,
                       _ body: (inout RandomChains, Table) -> Void) {
        var gen = RandomChains(seed: seed)
        for _ in 0..<count {
            let table = make?(&gen) ?? gen.table(peer: peer)
            body(&gen, table)
        }
    }

    /// Evaluates the first chain of `table` and compares the verdicts of `count` random packets
    /// with the interpreter's, recording the first disagreement as an issue (and stopping there).
    /// Returns the analysis and the packets compared with their verdicts.
    mutating func agreeWithNaive(_ table: Table, peer: AddressField, packets count: Int,
                                 sourceLocation: SourceLocation = #_sourceLocation) -> (ChainAnalysis, [(Packet, ChainVerdict)]) {
        let chain = table.chains[0]
        let analysis = ChainEvaluator.evaluate(chain: chain, in: table, peerField: peer)
        var compared: [(Packet, ChainVerdict)] = []
        for _ in 0..<count {
            let p = packet(peer: peer)
            let naive = NaiveEvaluator.verdict(for: p, chain: chain, in: table, peerField: peer)
            let fast = analysis.verdict(for: p)
            guard fast == naive else {
                func show(_ v: ChainVerdict) -> String { "\(v) overflow \(v.overflowRule.map(String.init) ?? "-") uncertain \(v.uncertain)" }
                let chains = table.chains.map { ($0.name, $0.rules.map(\.expressions)) }
                Issue.record("\(p): classes \(show(fast)), interpreter \(show(naive)) in \(chains), sets \(table.sets.map(\.elements))",
                             sourceLocation: sourceLocation)
                break
            }
            compared.append((p, fast))
        }
        return (analysis, compared)
    }
}
