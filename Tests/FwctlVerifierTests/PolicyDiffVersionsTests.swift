import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlVerifier
import Synchronization
import Testing

/// `PolicyDiff.between`: what `fwctl diff` computes, with the rulesets compiled by the caller.
@Suite struct PolicyDiffVersionsTests {
    static func fleet(_ text: String, file: String) throws -> Fleet {
        try PolicyText.fleet(text, file: file)
    }

    @Test func theDiffOfTwoVersionsIsTheDiffOfTheirFlows() throws {
        let old = try Self.fleet(PolicyDiffTests.base, file: "old.policy")
        let new = try Self.fleet(PolicyDiffTests.base + "allow db -> web : tcp/8080\n", file: "new.policy")
        let diff = PolicyDiff.between(old: old, new: new) { Compiler(fleet: $0).rulesetsByHost() }
        #expect(diff.rows.map(\.text) == ["+ db -> web : tcp/8080   (new.policy:8: allow db -> web : tcp/8080)"])
        let back = PolicyDiff.between(old: new, new: old) { Compiler(fleet: $0).rulesetsByHost() }
        #expect(back.rows.map(\.text) == ["- db -> web : tcp/8080   (new.policy:8: allow db -> web : tcp/8080)"])
    }

    @Test func equalVersionsAreNotCompiled() throws {
        let a = try Self.fleet(PolicyDiffTests.base, file: "t.policy")
        let b = try Self.fleet(PolicyDiffTests.base, file: "t.policy")
        let compiled = Atomic(0)
        let diff = PolicyDiff.between(old: a, new: b) { fleet in
            compiled.add(1, ordering: .relaxed)
            return Compiler(fleet: fleet).rulesetsByHost()
        }
        #expect(diff.isEmpty && compiled.load(ordering: .relaxed) == 0)
    }

    @Test func differentVersionsAreEachCompiledOnce() throws {
        let old = try Self.fleet(PolicyDiffTests.base, file: "old.policy")
        let new = try Self.fleet(PolicyDiffTests.base + "allow db -> web : tcp/8080\n", file: "new.policy")
        let compiled = Atomic(0)
        _ = PolicyDiff.between(old: old, new: new) { fleet in
            compiled.add(1, ordering: .relaxed)
            return Compiler(fleet: fleet).rulesetsByHost()
        }
        #expect(compiled.load(ordering: .relaxed) == 2)
    }
}
