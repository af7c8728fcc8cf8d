import Testing
import FwctlKernel
import FwctlNet
import FwctlRuleset
import FwctlTestSupport
@testable import FwctlPlanner

/// The in-memory kernel against the real one (netlink, in a namespace made for the test):
/// fed the same plans they must end in the same state with the same handles, so the
/// planner's unit tests, which run on the fake, say something about the kernel.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies plans to nf_tables in a network namespace"))
struct KernelAgreementTests {
    @Test(arguments: 0..<24)
    func fakeAndKernelAgree(seed: UInt64) throws {
        let ns = try TestNamespace(prefix: "fwctl-planner")
        defer { ns.remove() }
        let kernel = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        let fake = InMemoryBackend()
        var random = RandomTables(rng: SeededGenerator(seed: seed))
        let start = random.table()
        let desired = seed % 2 == 0 ? random.edited(start) : random.table()

        for table in [start, desired] {
            let kernelPlan = try kernel.plan(toward: table)
            let fakePlan = try fake.plan(toward: table)
            #expect(Self.normalised(kernelPlan.changes) == Self.normalised(fakePlan.changes), "seed \(seed)")
            _ = try kernel.apply(kernelPlan)
            _ = try fake.apply(fakePlan)

            let k = try #require(try kernel.read(table: table.ref).table)
            let f = try #require(try fake.read(table: table.ref).table)
            #expect(k.sameContent(as: table), "seed \(seed): the kernel does not hold the desired table")
            #expect(f.sameContent(as: table), "seed \(seed): the fake does not hold the desired table")
            // Same handles for the same objects: the fake numbers them as the kernel does.
            #expect(Self.handles(k) == Self.handles(f), "seed \(seed)")
            #expect(try kernel.plan(toward: table).isEmpty, "seed \(seed): the kernel needs more changes")
        }
    }

    /// What the planner's replaceRule relies on: the kernel keeps the handle and position
    /// and starts the counter from the values the new rule carries.
    @Test func replaceKeepsHandleAndCarriesCounters() throws {
        let ns = try TestNamespace(prefix: "fwctl-planner")
        defer { ns.remove() }
        let kernel = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        _ = try kernel.apply(try kernel.plan(toward: Fixture.base))
        let before = try #require(try kernel.read(table: Fixture.ref).table)
        let old = before.chains[0].rules[3]
        var counted = old
        counted.expressions = counted.expressions.map { if case .counter = $0 { .counter(packets: 42, bytes: 4200) } else { $0 } }
        counted.comment = "scale-up.policy:41: moved"
        counted.handle = nil
        let plan = Plan(table: Fixture.ref, generation: try kernel.read(table: Fixture.ref).generation,
                        changes: [.replaceRule(chain: "input", handle: old.handle!, from: old, to: counted)])
        _ = try kernel.apply(plan)
        let after = try #require(try kernel.read(table: Fixture.ref).table)
        var expected = counted
        expected.handle = old.handle
        #expect(after.chains[0].rules[3] == expected)
        #expect(after.chains[0].rules.map(\.handle) == before.chains[0].rules.map(\.handle))
    }

    /// The refusals the fake shares with the kernel: the same batch fails on both and
    /// leaves both unchanged.
    @Test(arguments: InMemoryBackendTests.refusals.filter { !Self.stricterThanKernel.contains($0.name) })
    func kernelRefusesWhatTheFakeRefuses(_ r: Refused) throws {
        let ns = try TestNamespace(prefix: "fwctl-planner")
        defer { ns.remove() }
        let kernel = try NetlinkBackend(netnsPath: "/run/netns/\(ns.name)")
        _ = try kernel.apply(try kernel.plan(toward: Fixture.base))
        let (before, generation) = try kernel.read(table: Fixture.ref)
        let plan = Plan(table: Fixture.ref, generation: generation, changes: r.changes)
        #expect(throws: (any Error).self, "\(r.name)") { try kernel.apply(plan) }
        let after = try kernel.read(table: Fixture.ref)
        #expect(after.table == before && after.generation == generation, "\(r.name)")
    }

    /// Where the fake refuses on purpose what Linux accepts (see InMemoryBackend), or what
    /// the netlink encoder cannot send at all. The last two pass the kernel, which checks
    /// key lengths, not families: the fake refuses them as nft itself would.
    static let stricterThanKernel: Set<String> = [
        "duplicate set", "duplicate chain", "duplicate element", "create an existing table", "delete non-empty chain",
        "unknown expression", "v6 lookup in a v4 set", "element of the wrong family",
    ]

    static func handles(_ t: Table) -> [String: UInt64?] {
        var out: [String: UInt64?] = [:]
        for s in t.sets { out["set \(s.name)"] = s.handle }
        for c in t.chains {
            out["chain \(c.name)"] = c.handle
            for (i, r) in c.rules.enumerated() { out["rule \(c.name) #\(i)"] = r.handle }
        }
        return out
    }

    /// Element lists sorted: the order elements are read back in is not part of the plan.
    static func normalised(_ changes: [Change]) -> [Change] {
        changes.map { change -> Change in
            switch change {
            case .addElements(let s, let k, let e):
                return .addElements(set: s, keyType: k, elements: e.sorted(by: SetElement.ascending))
            case .removeElements(let s, let k, let e):
                return .removeElements(set: s, keyType: k, elements: e.sorted(by: SetElement.ascending))
            case .addSet(var s):
                s.elements.sort(by: SetElement.ascending)
                return .addSet(s)
            default:
                return change
            }
        }
    }
}
