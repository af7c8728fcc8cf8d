import FwctlTestSupport
import Testing
import FwctlNet
import FwctlRuleset
@testable import FwctlPlanner

@Suite struct PlannerPropertyTests {
    /// For random current and desired tables (seeded, so a failure names its seed): the plan
    /// applies cleanly to a kernel holding `current`, the result has the desired content,
    /// planning again finds nothing, and every rule the plan did not delete kept its handle
    /// and counter values.
    @Test(arguments: 0..<300)
    func planThenApplyReachesDesired(seed: UInt64) throws {
        var random = RandomTables(rng: SeededGenerator(seed: seed))
        let start = random.table()
        // Half the cases edit the current table a little, half draw an unrelated one.
        let desired = seed % 2 == 0 ? random.edited(start) : random.table()

        let backend = InMemoryBackend()
        backend.load(start)
        if seed % 3 == 0 {
            // Drift: a rule fwctl did not write, somewhere in input.
            backend.modify(Fixture.ref) { t in
                let at = Int(seed / 3) % (t.chains[0].rules.count + 1)
                t.chains[0].rules.insert(Rule([.unknown("meta mark 0x2a"), .verdict(.accept)]), at: at)
            }
        }
        backend.modify(Fixture.ref, commit: false, Fixture.countTraffic)
        let (current, generation) = try backend.read(table: Fixture.ref)
        let before = try #require(current)

        let plan = Planner.plan(current: before, desired: desired, generation: generation)
        #expect(try backend.apply(plan, expectedGeneration: generation, checkOnly: true) == nil)
        let committed = try backend.apply(plan, expectedGeneration: generation, checkOnly: false)
        #expect(committed == (plan.isEmpty ? generation : generation + 1))

        let after = try #require(try backend.read(table: Fixture.ref).table)
        #expect(after.sameContent(as: desired), "seed \(seed)")
        #expect(Planner.plan(current: after, desired: desired, generation: nil).isEmpty, "seed \(seed)")

        Fixture.expectKeptRules(before: before, after: after, plan: plan, "seed \(seed): ")
    }

    /// The random cases reach every kind of change and anchor, so the property above is not
    /// passing on easy cases only.
    @Test func randomCasesCoverEveryKindOfChange() throws {
        var seen: Set<String> = []
        for seed in UInt64(0)..<300 {
            var random = RandomTables(rng: SeededGenerator(seed: seed))
            let start = random.table()
            let desired = seed % 2 == 0 ? random.edited(start) : random.table()
            let backend = InMemoryBackend()
            backend.load(start)
            let current = try backend.read(table: Fixture.ref).table
            for change in Planner.plan(current: current, desired: desired, generation: nil).changes {
                switch change {
                case .addRule(_, _, let position, _):
                    seen.insert("addRule " + String(describing: position).prefix { $0 != "(" })
                case .deleteSet(let name, _):
                    seen.insert(desired.set(named: name) == nil ? "deleteSet" : "recreateSet")
                case .deleteChain(let name):
                    seen.insert(desired.chain(named: name) == nil ? "deleteChain" : "recreateChain")
                default:
                    seen.insert(String(describing: change).prefix { $0 != "(" }.description)
                }
            }
        }
        #expect(seen == ["addRule top", "addRule append", "addRule afterHandle", "addRule afterNew", "deleteRule", "replaceRule",
                         "addSet", "deleteSet", "recreateSet", "addElements", "removeElements",
                         "addChain", "deleteChain", "recreateChain", "changeChainPolicy"])
    }

    /// The subsequence search against a brute-force answer on short random sequences: as
    /// many pairs as possible, and among those as many exact ones as possible.
    @Test(arguments: 0..<300)
    func subsequenceIsBestAndValid(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        func keys() -> [LongestCommonSubsequence.Key] {
            (0..<Int.random(in: 0...7, using: &rng)).map { _ in
                let loose = Int.random(in: 0...2, using: &rng)
                return .init(loose: loose, exact: loose * 2 + Int.random(in: 0...1, using: &rng))
            }
        }
        let a = keys(), b = keys()
        let pairs = LongestCommonSubsequence.pairs(a, b)
        #expect(pairs.allSatisfy { a[$0.0].loose == b[$0.1].loose })
        #expect(zip(pairs, pairs.dropFirst()).allSatisfy { $0.0 < $1.0 && $0.1 < $1.1 })
        let exact = pairs.filter { a[$0.0] == b[$0.1] }.count
        let best = Self.bruteForce(a[...], b[...])
        #expect(pairs.count == best.pairs && exact == best.exact, "\(a) \(b)")
    }

    private static func bruteForce(_ a: ArraySlice<LongestCommonSubsequence.Key>,
                                   _ b: ArraySlice<LongestCommonSubsequence.Key>) -> (pairs: Int, exact: Int) {
        guard let x = a.first, let y = b.first else { return (0, 0) }
        var options = [bruteForce(a.dropFirst(), b), bruteForce(a, b.dropFirst())]
        if x.loose == y.loose {
            let rest = bruteForce(a.dropFirst(), b.dropFirst())
            options.append((rest.pairs + 1, rest.exact + (x == y ? 1 : 0)))
        }
        return options.max { ($0.pairs, $0.exact) < ($1.pairs, $1.exact) }!
    }
}
