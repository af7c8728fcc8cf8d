import Foundation
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlPlanner

/// A saved plan file is untrusted input: each test edits one as an attacker or a careless
/// hand might (or changes the kernel behind it) and checks `SavedPlan.replan` refuses it,
/// with the in-memory kernel standing for the real one. No root needed.
struct SavedPlanTests {
    /// The kernel holds `Fixture.base`; the policy now compiles to `desired`, which adds a
    /// web host and drops the db rule (elements added, a rule deleted).
    static let desired = Fixture.edited {
        $0.sets[0].elements.append(Fixture.v4("192.0.2.12"))
        $0.chains[0].rules.remove(at: 3)
    }

    struct Host {
        let backend = InMemoryBackend()
        let file: PlanFile

        init(desired: Table = SavedPlanTests.desired) throws {
            backend.load(Fixture.base)
            let plan = try backend.plan(toward: desired)
            file = PlanFile(plan: plan, desired: desired, host: "db-01", policySHA256: String(repeating: "a", count: 64))
        }

        /// The file as written to disk, its JSON object edited by `edit`, read back.
        func tampered(_ edit: (inout [String: Any]) -> Void) throws -> PlanFile {
            var json = try #require(try JSONSerialization.jsonObject(with: file.encoded()) as? [String: Any])
            edit(&json)
            return try PlanFile.decode(JSONSerialization.data(withJSONObject: json))
        }

        func replan(_ saved: PlanFile, desired: Table = SavedPlanTests.desired, host: String = "db-01",
                    policySHA256: String? = String(repeating: "a", count: 64)) throws -> Plan {
            try SavedPlan.replan(saved, toward: desired, host: host, policySHA256: policySHA256, backend: backend)
        }
    }

    static func isStale(_ error: any Error) -> Bool {
        guard case SavedPlan.Refusal.stale = error else { return false }
        return "\(error)".hasPrefix("Saved plan is stale")
    }

    static func changes(_ json: [String: Any]) -> [[String: Any]] { json["changes"] as? [[String: Any]] ?? [] }

    @Test func anUneditedPlanOverAnUnchangedKernelIsThePlanApplied() throws {
        let h = try Host()
        let plan = try h.replan(h.file)
        #expect(plan.sameChanges(as: h.file.plan) && plan.generation == h.file.plan.generation)
        _ = try h.backend.apply(plan)
        #expect(try h.backend.read(table: Fixture.ref).table.map { $0.sameContent(as: Self.desired) } == true)
    }

    @Test func elementsReplacedByTheWholeInternetAreStale() throws {
        let h = try Host()
        let everything = try JSONSerialization.jsonObject(with: JSONEncoder().encode(
            SetElement.address(AddressRange(lower: .v4(0), upper: .v4(.max)))))
        let saved = try h.tampered { json in
            json["changes"] = Self.changes(json).map { c in
                var c = c
                if c["op"] as? String == "addElements" { c["elements"] = [everything] }
                return c
            }
        }
        #expect(saved.plan.changes.contains { if case .addElements(_, _, let e) = $0 { e.count == 1 && "\(e[0])".contains("0.0.0.0") } else { false } })
        #expect(throws: Error.self) { try h.replan(saved) }
        #expect(performing: { try h.replan(saved) }, throws: Self.isStale)
    }

    @Test func removedDeleteRuleChangesAreStale() throws {
        let h = try Host()
        let saved = try h.tampered { json in json["changes"] = Self.changes(json).filter { $0["op"] as? String != "deleteRule" } }
        #expect(saved.plan.changes.count < h.file.plan.changes.count)
        #expect(performing: { try h.replan(saved) }, throws: Self.isStale)
    }

    @Test func aGenerationDeletedOrNullIsNotAPlan() throws {
        let h = try Host()
        for edit in [{ (j: inout [String: Any]) in j["generation"] = nil }, { (j: inout [String: Any]) in j["generation"] = NSNull() }] {
            #expect(performing: { try h.tampered(edit) }, throws: { error in
                guard case PlanFileError.malformed(let reason) = error else { return false }
                return reason.contains("no generation id")
            })
        }
    }

    /// The kernel's table changes after the plan; editing the generation (to the kernel's
    /// current one, or anything else) cannot make the old plan apply there.
    @Test(arguments: [1, 0, -1])
    func anEditedGenerationCannotPutAStalePlanOnAChangedTable(shift: Int) throws {
        let h = try Host()
        h.backend.modify(Fixture.ref) { $0.sets[1].elements.append(Fixture.v4("203.0.113.9")) }
        let saved = try h.tampered { json in json["generation"] = Int(h.backend.generation) + shift }
        #expect(performing: { try h.replan(saved) }, throws: Self.isStale)
    }

    @Test func anEmptyPlanOverATableChangedSinceIsStale() throws {
        let h = try Host(desired: Fixture.base)
        #expect(h.file.plan.isEmpty)
        h.backend.modify(Fixture.ref) {
            $0.sets[0].elements.append(Fixture.v4("203.0.113.9"))
            $0.chains[0].rules.remove(at: 2)
        }
        #expect(performing: { try h.replan(h.file, desired: Fixture.base) }, throws: Self.isStale)
    }

    /// Another table committing moves the generation but not fwctl's table: the plan holds
    /// and goes at today's generation. Traffic moving the counters does not matter either.
    @Test func otherTablesAndCountersDoNotMakeAPlanStale() throws {
        let h = try Host()
        h.backend.load(Table(family: .ip, name: "docker"))
        h.backend.modify(Fixture.ref, commit: false, Fixture.countTraffic)
        let plan = try h.replan(h.file)
        #expect(plan.generation == h.backend.generation && plan.generation != h.file.plan.generation)
        #expect(plan.sameChanges(as: h.file.plan))
    }

    @Test func anotherPolicyHostOrTableIsRefused() throws {
        let h = try Host()
        #expect(throws: SavedPlan.Refusal.policyChanged) { try h.replan(h.file, policySHA256: String(repeating: "b", count: 64)) }
        #expect(throws: SavedPlan.Refusal.policyChanged) { try h.replan(h.file, desired: Fixture.base) }
        #expect(throws: SavedPlan.Refusal.otherHost(saved: "db-01", now: "web-01")) { try h.replan(h.file, host: "web-01") }
        var other = Self.desired
        other.name = "other"
        #expect(throws: SavedPlan.Refusal.otherTable(saved: Fixture.ref, now: other.ref)) { try h.replan(h.file, desired: other) }
    }

    @Test func aPlanWithoutAGenerationIsNeverSent() throws {
        let backend = InMemoryBackend()
        let plan = Planner.plan(current: nil, desired: Fixture.base, generation: nil)
        #expect(throws: BackendError.unguarded) { try backend.apply(plan) }
        #expect(try backend.read(table: Fixture.ref).table == nil)
    }
}
