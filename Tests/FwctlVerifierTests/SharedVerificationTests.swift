import FwctlCompiler
import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// Work shared by classes of alike hosts gives every host exactly what working on it alone
/// gives: the compiler's tables (one per class of roles and families) and the verifier's
/// results (one per class of equal rulesets and intents, examples at each host's address).
@Suite struct SharedVerificationTests {
    @Test(arguments: 1...10)
    func compileAllIsEachHostCompiledAlone(seed: Int) throws {
        var gen = RandomChains(seed: UInt64(seed) &* 104_729)
        let fleet = RandomFleetTests.fleet(&gen)
        let compiler = Compiler(fleet: fleet)
        let all = compiler.compileAll()
        #expect(all.map(\.host) == fleet.hosts.map(\.name))
        for (host, ruleset) in all { #expect(ruleset == (try compiler.compile(host: host)), "\(host)") }
    }

    /// Mutations of the input chain of the table most hosts have, given to every host with
    /// that table (a class with discrepancies), verified together and host by host. Seed 0 is
    /// a generated fleet of 6 roles of 10 hosts; the others random small fleets.
    @Test(arguments: 0...6)
    func verifyingTogetherIsVerifyingAlone(seed: Int) throws {
        var gen = RandomChains(seed: UInt64(seed) &* 7_919)
        let fleet = seed == 0 ? GeneratedFleet.make(hosts: 60, roles: 6, flows: 30) : RandomFleetTests.fleet(&gen)
        let compiled = Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) })
        let names = fleet.hosts.map(\.name)
        let first = try #require(compiled.values.max { a, b in compiled.values.filter { $0 == a }.count < compiled.values.filter { $0 == b }.count })
        let input = try #require(first.tables[0].chains.firstIndex { $0.hook?.hook == .input })
        var sharedWrong = 0
        for (m, mutation) in ChainMutation.all(first.tables[0].chains[input]).enumerated() where seed != 0 || m % 15 == 0 {
            let wrong = Ruleset(tables: [mutation.apply(to: first.tables[0], chain: input)])
            let rulesets = compiled.mapValues { $0 == first ? wrong : $0 }
            let together = PolicyVerifier.verify(fleet: fleet, hosts: names, rulesets: rulesets)
            for (i, name) in names.enumerated() {
                let alone = PolicyVerifier.verify(fleet: fleet, host: name, ruleset: try #require(rulesets[name]))
                #expect(together[i] == alone, "\(name) with \(mutation)")
            }
            if together.filter({ rulesets[$0.host] == wrong && !$0.discrepancies.isEmpty }).count > 1 { sharedWrong += 1 }
        }
        if seed == 0 { #expect(sharedWrong > 0, "no mutation made discrepancies shared by two hosts") }
    }

    /// The matrix counts host pairs by groups of alike hosts (6 roles of 10 here, and random
    /// fleets): the same entries, counts included, as counting every host on its own (which
    /// RandomFleetTests and MatrixTests hold to brute force).
    @Test(arguments: 0...6)
    func matrixByGroupsIsHostByHost(seed: Int) throws {
        var gen = RandomChains(seed: UInt64(seed) &* 31_337)
        let fleet = seed == 0 ? GeneratedFleet.make(hosts: 60, roles: 6, flows: 30) : RandomFleetTests.fleet(&gen)
        let model = FleetModel(fleet: fleet, rulesets: Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }))
        let grouped = MatrixBuilder(model: model, fleet: fleet)
        if seed == 0 { #expect(grouped.groups.sizes.allSatisfy { $0 == 10 }, "\(grouped.groups.sizes)") }
        let got = grouped.build().entries.map(BruteMatrix.line)
        let expected = MatrixBuilder(model: model, fleet: fleet, groupAlike: false).build().entries.map(BruteMatrix.line)
        #expect(got == expected, "only grouped: \(Set(got).subtracting(expected)); only host by host: \(Set(expected).subtracting(got))")
    }
}
