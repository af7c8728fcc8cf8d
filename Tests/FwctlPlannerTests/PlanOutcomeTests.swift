import Testing
import FwctlNet
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlPlanner

/// `Plan.outcome(onto:)`: the table a commit leaves, worked out from the plan and the table
/// it was made from, is what the in-memory kernel holds after applying the plan (listing
/// order included), for plans that create, grow, shrink and re-shape tables.
struct PlanOutcomeTests {
    @Test(arguments: 0..<40)
    func outcomeIsTheTableTheCommitLeaves(seed: UInt64) throws {
        let fake = InMemoryBackend()
        var random = RandomTables(rng: SeededGenerator(seed: seed))
        let start = random.table()
        let desired = seed % 2 == 0 ? random.edited(start) : random.table()
        for table in [start, desired] {
            let (base, _) = try fake.read(table: table.ref)
            let plan = try fake.plan(toward: table)
            _ = try fake.apply(plan)
            let after = try #require(try fake.read(table: table.ref).table)
            #expect(plan.outcome(onto: base) == after.withoutKernelState, "seed \(seed)")
        }
    }

    /// A plan that does not fit the table given (made from another state) has no outcome.
    @Test func planThatDoesNotFitItsBaseHasNoOutcome() throws {
        let fake = InMemoryBackend()
        var random = RandomTables(rng: SeededGenerator(seed: 7))
        let table = random.table()
        let create = try fake.plan(toward: table)
        _ = try fake.apply(create)
        let (loaded, _) = try fake.read(table: table.ref)
        #expect(create.outcome(onto: loaded) == nil)   // the table exists already: EEXIST
        var other = try #require(loaded)
        other.name = "other"
        #expect(create.outcome(onto: other) == nil)
    }
}
