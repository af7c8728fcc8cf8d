import Foundation
import FwctlCompiler
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// `PolicyVerifier`: compiled rulesets verify clean; hand-made mutations are caught exactly
/// when they change behaviour, judged by brute force with `NaiveEvaluator`.
@Suite struct PolicyVerificationTests {
    static let policies = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policies")

    static func bundled() throws -> [(name: String, fleet: Fleet)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: policies.path).filter { $0.hasSuffix(".policy") }.sorted()
        return try names.map { name in
            let result = try PolicyFrontEnd.load(path: policies.appendingPathComponent(name).path, today: CalendarDate(year: 2026, month: 1, day: 1))
            return (name, try #require(result.fleet, "\(name) has errors"))
        }
    }

    @Test func bundledPoliciesVerifyClean() throws {
        let all = try Self.bundled()
        #expect(all.count >= 3)
        for (name, fleet) in all {
            for (host, ruleset) in Compiler(fleet: fleet).compileAll() {
                let v = PolicyVerifier.verify(fleet: fleet, host: host, ruleset: ruleset)
                #expect(v.isClean, "\(name) \(host): \(v.discrepancies.map(\.description)) \(v.problems.map(\.message))")
            }
        }
    }

    @Test(arguments: ["lb-01", "web-02", "db-01"])
    func codeBuiltFleetVerifiesClean(host: String) throws {
        let v = PolicyVerifier.verify(fleet: TestFleet.fleet, host: host, ruleset: try #require(TestFleet.rulesets[host]))
        #expect(v.isClean, "\(v.discrepancies.map(\.description))")
    }

    /// Every mutation of both chains of a few hosts: a reported discrepancy's example packet
    /// really is decided differently, and every boundary packet decided differently lies in a
    /// reported discrepancy. Both kinds of mutation (changing behaviour or not) must occur.
    @Test(arguments: [("scale-up.policy", "web-01"), ("scale-up.policy", "db-primary"), ("stacked.policy", "s1"), ("ipv6-only.policy", "f1")])
    func mutationsAreCaughtExactlyWhenTheyChangeBehaviour(policy: String, host: String) throws {
        let fleet = try #require(try Self.bundled().first { $0.name == policy }?.fleet)
        let ruleset = try Compiler(fleet: fleet).compile(host: host)
        let table = ruleset.tables[0]
        var changing = 0, neutral = 0
        // The base chains and the port chains their dispatch maps jump to, each judged by
        // the packets of the base chain it belongs to.
        for (c, chain) in table.chains.enumerated() {
            let b = try #require(table.chains.firstIndex { $0.name == table.baseChainName(of: chain.name) })
            guard let hook = table.chains[b].hook?.hook, hook == .input || hook == .output else { continue }
            let direction: PolicyIntent.Direction = hook == .input ? .input : .output
            var known: [Packet: ChainVerdict.Decision] = [:]
            for mutation in ChainMutation.all(chain) {
                let mutated = mutation.apply(to: table, chain: c)
                let result = PolicyVerifier.verify(fleet: fleet, host: host, ruleset: Ruleset(tables: [mutated]))
                let found = result.discrepancies.filter { $0.direction == direction }
                func naive(_ t: Table, _ p: Packet) -> ChainVerdict.Decision {
                    NaiveEvaluator.verdict(for: p, chain: t.chains[b], in: t, peerField: direction.peerField).verdict
                }
                // The unmutated chain's verdicts, shared by all its mutations.
                func original(_ p: Packet) -> ChainVerdict.Decision {
                    if let v = known[p] { return v }
                    let v = naive(table, p)
                    known[p] = v
                    return v
                }
                for d in found {
                    #expect(naive(table, d.example) != naive(mutated, d.example), "\(host) \(mutation): \(d.description)")
                    #expect(naive(mutated, d.example) == d.actual.verdict, "\(host) \(mutation): \(d.description)")
                }
                var differs = false
                for p in BoundaryPackets.packets([table, mutated], peerField: direction.peerField) where original(p) != naive(mutated, p) {
                    differs = true
                    #expect(found.contains { $0.packets.contains(p) }, "\(host) \(mutation): \(p) decided differently but not reported")
                }
                #expect(differs == !found.isEmpty, "\(host) \(mutation): brute force \(differs), verify \(found.count)")
                if found.isEmpty { neutral += 1 } else { changing += 1 }
            }
        }
        #expect(changing > 0 && neutral > 0, "changing \(changing), neutral \(neutral)")
    }
}
