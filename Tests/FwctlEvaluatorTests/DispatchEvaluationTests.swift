import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// Verdict maps: the class evaluator (which inlines the map) against the per-packet
/// interpreter (which looks the packet up and follows the jump).
@Suite struct DispatchEvaluationTests {
    @Test(arguments: [AddressField.saddr, .daddr])
    func classVerdictsEqualPerPacketVerdictsThroughMaps(peer: AddressField) {
        var decidedInPortChains = 0
        RandomChains.rounds(seed: peer == .saddr ? 11 : 12, 200, table: { $0.dispatchTable(peer: peer) }) { gen, table in
            let (analysis, verdicts) = gen.agreeWithNaive(table, peer: peer, packets: 300)
            decidedInPortChains += verdicts.count(where: { _, v in v.rule.map { analysis.chain.rules[$0].comment?.hasPrefix("p") == true } ?? false })
        }
        #expect(decidedInPortChains > 30, "the port chains decide packets")
    }
}

extension RandomChains {
    /// A base chain with a dispatch rule among random rules, a map of random keys and
    /// verdicts, and three port chains of random rules (comments `p0:`... mark their rules).
    mutating func dispatchTable(peer: AddressField) -> Table {
        var base = table(peer: peer)
        var chains: [Chain] = []
        for c in 0..<3 {
            let rules = (0..<int(5)).map { i -> Rule in
                var r = rule(peer: peer)
                r.comment = "p\(c):\(i)"
                if chance(5) { r.expressions.append(.verdict(.return)) }
                return r
            }
            chains.append(Chain(name: "p\(c)", rules: rules))
        }
        var keys = Set<[UInt16]>()
        var elements: [SetElement] = []
        for _ in 0..<int(8) + 1 {
            let proto: UInt8 = chance(95) ? pick([6, 17, 132]) : 33
            let port = UInt16(int(45))
            guard keys.insert([UInt16(proto), port]).inserted else { continue }
            let verdict: Verdict
            switch int(10) {
            case 0: verdict = .accept
            case 1: verdict = .drop
            case 2: verdict = .return
            case 3: verdict = .goto("p\(int(3))")
            default: verdict = .jump("p\(int(3))")
            }
            elements.append(.dispatch(proto: proto, port: port, verdict: verdict))
        }
        var dispatch = Rule([.dispatch(map: "m")], comment: "dispatch")
        if chance(20) { dispatch.expressions.insert(expression(peer: peer), at: 0) }
        base.chains[0].rules.insert(dispatch, at: int(base.chains[0].rules.count + 1))
        base.chains += chains
        base.sets.append(NamedSet(name: "m", keyType: .protoService, isInterval: false, elements: elements))
        return base
    }
}
