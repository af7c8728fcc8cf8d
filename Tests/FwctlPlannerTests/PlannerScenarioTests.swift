import Testing
import FwctlNet
import FwctlRuleset
@testable import FwctlPlanner

/// A policy edit, the plan it must produce, and the summary of that plan.
struct Scenario: CustomTestStringConvertible, Sendable {
    let name: String
    let desired: Table
    /// Optional change to the kernel's table before planning (drift someone made by hand).
    var drift: (@Sendable (inout Table) -> Void)? = nil
    let expected: [String]
    let summary: PlanSummary
    var testDescription: String { name }
}

@Suite struct PlannerScenarioTests {
    static let scenarios: [Scenario] = [
        Scenario(name: "identical", desired: Fixture.base, expected: [], summary: PlanSummary()),
        Scenario(name: "host added to a role", desired: Fixture.edited {
            $0.sets[0].elements.append(Fixture.v4("192.0.2.23"))
        }, expected: ["addElements role_web_v4 192.0.2.23"], summary: PlanSummary(change: 1)),
        Scenario(name: "host renumbered", desired: Fixture.edited {
            $0.sets[1].elements = [Fixture.v4("192.0.2.21")]
        }, expected: ["removeElements role_db_v4 192.0.2.20", "addElements role_db_v4 192.0.2.21"],
           summary: PlanSummary(change: 1)),
        Scenario(name: "flow removed", desired: Fixture.edited {
            $0.chains[0].rules.remove(at: 3)
        }, expected: ["deleteRule input [scale-up.policy:40: allow role_db_v4 port 22]"], summary: PlanSummary(remove: 1)),
        Scenario(name: "port changed", desired: Fixture.edited {
            $0.chains[0].rules[2] = Fixture.allow(from: "role_web_v4", port: 5433, line: 31)
        }, expected: [
            "deleteRule input [scale-up.policy:31: allow role_web_v4 port 5432]",
            "addRule input [scale-up.policy:31: allow role_web_v4 port 5433] #1 after [fwctl: loopback]",
        ], summary: PlanSummary(add: 1, remove: 1)),
        Scenario(name: "deny added before the allows", desired: Fixture.edited {
            $0.chains[0].rules.insert(Fixture.deny(from: "role_db_v4", line: 29), at: 2)
        }, expected: ["addRule input [scale-up.policy:29: deny role_db_v4] #1 after [fwctl: loopback]"],
           summary: PlanSummary(add: 1)),
        Scenario(name: "two rules added at the top", desired: Fixture.edited {
            $0.chains[0].rules.insert(contentsOf: [Fixture.deny(from: "role_db_v4", line: 1), Fixture.deny(from: "role_web_v4", line: 2)], at: 0)
        }, expected: [
            "addRule input [scale-up.policy:1: deny role_db_v4] #1 top",
            "addRule input [scale-up.policy:2: deny role_web_v4] #2 after #1",
        ], summary: PlanSummary(add: 2)),
        Scenario(name: "policy line moved: comment replaced in place", desired: Fixture.edited {
            $0.chains[0].rules[3].comment = "scale-up.policy:41: allow role_db_v4 port 22"
        }, expected: ["replaceRule input [scale-up.policy:40: allow role_db_v4 port 22] -> [scale-up.policy:41: allow role_db_v4 port 22]"],
           summary: PlanSummary(change: 1)),
        Scenario(name: "same rule from two lines, one removed: the exact one stays", desired: Fixture.edited {
            var twin = $0.chains[0].rules[3]
            twin.comment = "scale-up.policy:45: allow role_db_v4 port 22"
            $0.chains[0].rules[3] = twin
        }, drift: {
            var twin = $0.chains[0].rules[3]
            twin.comment = "scale-up.policy:45: allow role_db_v4 port 22"
            twin.handle = nil
            $0.chains[0].rules.insert(twin, at: 4)
        }, expected: ["deleteRule input [scale-up.policy:40: allow role_db_v4 port 22]"], summary: PlanSummary(remove: 1)),
        Scenario(name: "chain policy change", desired: Fixture.edited {
            $0.chains[1].hook?.policy = .drop
        }, expected: ["changeChainPolicy output accept->drop"], summary: PlanSummary(change: 1)),
        Scenario(name: "unknown rule is drift", desired: Fixture.base, drift: {
            $0.chains[0].rules.insert(Rule([.unknown("meta mark 0x1"), .verdict(.accept)]), at: 1)
        }, expected: ["deleteRule input [-]"], summary: PlanSummary(remove: 1)),
        Scenario(name: "chain added by hand is removed", desired: Fixture.base, drift: {
            $0.chains.append(Chain(name: "manual", rules: [Rule([.verdict(.accept)])]))
        }, expected: ["deleteRule manual [-]", "deleteChain manual"], summary: PlanSummary(remove: 2)),
        Scenario(name: "new role with a flow", desired: Fixture.edited {
            $0.sets.append(NamedSet(name: "role_mon_v4", keyType: .ipv4Addr, elements: [Fixture.v4("198.51.100.5")]))
            $0.chains[0].rules.append(Fixture.allow(from: "role_mon_v4", port: 9100, line: 60))
        }, expected: [
            "addSet role_mon_v4 198.51.100.5",
            "addRule input [scale-up.policy:60: allow role_mon_v4 port 9100] #1 after [scale-up.policy:50: web v6]",
        ], summary: PlanSummary(add: 2)),
        Scenario(name: "role removed with its flow", desired: Fixture.edited {
            $0.sets.remove(at: 1)
            $0.chains[0].rules.remove(at: 3)
        }, expected: ["deleteRule input [scale-up.policy:40: allow role_db_v4 port 22]", "deleteSet role_db_v4"],
           summary: PlanSummary(remove: 2)),
        Scenario(name: "set flags changed: users re-added around it", desired: Fixture.edited {
            $0.sets[1].isInterval = false
        }, expected: [
            "deleteRule input [scale-up.policy:40: allow role_db_v4 port 22]",
            "deleteSet role_db_v4",
            "addSet role_db_v4 192.0.2.20",
            "addRule input [scale-up.policy:40: allow role_db_v4 port 22] #1 after [scale-up.policy:31: allow role_web_v4 port 5432]",
        ], summary: PlanSummary(add: 2, remove: 2)),
        Scenario(name: "regular chain and its jump removed", desired: Fixture.edited {
            $0.chains.remove(at: 2)
            $0.chains[0].rules.remove(at: 4)
        }, expected: [
            "deleteRule input [scale-up.policy:50: web v6]", "deleteRule web_in [scale-up.policy:51: https]", "deleteChain web_in",
        ], summary: PlanSummary(remove: 3)),
        Scenario(name: "base chain priority changed: re-created", desired: Fixture.edited {
            $0.chains[1].hook?.priority = 10
        }, expected: ["deleteChain output", "addChain output"], summary: PlanSummary(add: 1, remove: 1)),
    ]

    @Test(arguments: scenarios)
    func planApplyAndReplan(_ s: Scenario) throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        if let drift = s.drift { backend.modify(Fixture.ref, drift) }
        backend.modify(Fixture.ref, commit: false, Fixture.countTraffic)
        let (current, generation) = try backend.read(table: Fixture.ref)
        let before = try #require(current)

        let plan = Planner.plan(current: before, desired: s.desired, generation: generation)
        #expect(Fixture.describe(plan, current: before) == s.expected)
        #expect(plan.summary == s.summary)
        #expect(plan.generation == generation)

        let newGeneration = try backend.apply(plan, expectedGeneration: generation, checkOnly: false)
        #expect(newGeneration == (plan.isEmpty ? generation : generation + 1))
        let after = try #require(try backend.read(table: Fixture.ref).table)
        #expect(after.sameContent(as: s.desired))
        #expect(Planner.plan(current: after, desired: s.desired, generation: nil).isEmpty)

        Fixture.expectKeptRules(before: before, after: after, plan: plan)
    }

    @Test func absentTableIsCreatedWhole() throws {
        let plan = Planner.plan(current: nil, desired: Fixture.base, generation: 7)
        let lines = Fixture.describe(plan, current: nil)
        #expect(lines.first == "createTable inet fwctl")
        #expect(lines.filter { $0.hasPrefix("addSet") }.count == 3)
        #expect(lines.filter { $0.hasPrefix("addChain") }.count == 3)
        #expect(lines.filter { $0.hasPrefix("addRule") && $0.hasSuffix("append") }.count == 6)
        // Sets and chains exist before any rule refers to them.
        let firstRule = try #require(lines.firstIndex { $0.hasPrefix("addRule") })
        #expect(lines[firstRule...].allSatisfy { $0.hasPrefix("addRule") })
        #expect(plan.summary == PlanSummary(add: 13))

        let backend = InMemoryBackend(generation: 7)
        #expect(try backend.apply(plan, expectedGeneration: 7, checkOnly: false) == 8)
        let after = try #require(try backend.read(table: Fixture.ref).table)
        #expect(after.sameContent(as: Fixture.base))
    }

    @Test func planIsDeterministic() throws {
        let backend = InMemoryBackend()
        backend.load(Fixture.base)
        let current = try backend.read(table: Fixture.ref).table
        for s in Self.scenarios {
            let a = Planner.plan(current: current, desired: s.desired, generation: 1)
            let b = Planner.plan(current: current, desired: s.desired, generation: 1)
            #expect(a == b, "\(s.name)")
        }
    }
}
