import Foundation
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// The verdict-map layout of every bundled policy against its one-rule-per-flow layout: the
/// compiler's two layouts of one fleet, compared by the evaluator.
@Suite struct DispatchLayoutTests {
    static let policies = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policies")

    @Test(arguments: BundledPolicyTestsRun.names)
    func mapLayoutAdmitsExactlyWhatTheRuleLayoutAdmits(_ name: String) throws {
        let result = try PolicyFrontEnd.load(path: Self.policies.appendingPathComponent(name).path, today: CalendarDate(year: 2026, month: 1, day: 1))
        var fleet = try #require(result.fleet)
        fleet.defaults.dispatchByMap = false
        let rules = Compiler(fleet: fleet).compileAll()
        fleet.defaults.dispatchByMap = true
        let maps = Compiler(fleet: fleet).compileAll()
        var dispatched = 0
        for (a, b) in zip(rules, maps) {
            let (old, new) = (a.ruleset.tables[0], b.ruleset.tables[0])
            for (hook, peer) in [(Hook.input, AddressField.saddr), (.output, .daddr)] {
                let oc = try #require(old.chains.first { $0.hook?.hook == hook })
                let nc = try #require(new.chains.first { $0.hook?.hook == hook })
                dispatched += nc.rules.filter(\.isDispatch).count
                let differences = ChainEvaluator.compare(oc, in: old, with: nc, in: new, peerField: peer)
                #expect(differences.isEmpty, "\(name) \(a.host) \(hook): \(differences.prefix(3))")
                let analysis = ChainEvaluator.evaluate(chain: nc, in: new, peerField: peer)
                #expect(analysis.uncertain.isEmpty, "\(name) \(a.host): \(analysis.uncertain)")
            }
        }
        #expect(dispatched > 0)
    }
}
