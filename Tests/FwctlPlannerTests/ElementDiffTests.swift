import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlPlanner

@Suite struct ElementDiffTests {
    static func v4(_ lo: UInt32, _ hi: UInt32) -> SetElement { .address(AddressRange(lower: .v4(lo), upper: .v4(hi))) }
    static func v6(_ lo: UInt128) -> SetElement { .address(AddressRange(.v6(lo))) }

    /// Hand-picked cases, sorted and not: the difference is exact, in each list's own order.
    @Test(arguments: [
        ([v4(1, 1), v4(3, 4)], [v4(1, 1), v4(3, 4)], [SetElement](), [SetElement]()),
        ([v4(1, 1), v4(3, 4)], [v4(1, 1), v4(3, 5)], [v4(3, 4)], [v4(3, 5)]),
        ([], [v4(7, 7), v6(1)], [], [v4(7, 7), v6(1)]),
        ([v4(7, 7), v6(1)], [], [v4(7, 7), v6(1)], []),
        ([v4(9, 9), v4(1, 1), v4(5, 5)], [v4(5, 5), v4(2, 2)], [v4(9, 9), v4(1, 1)], [v4(2, 2)]),
        ([.port(PortRange(80, 80)), .proto(6)], [.port(PortRange(80, 81)), .proto(6)], [.port(PortRange(80, 80))], [.port(PortRange(80, 81))]),
    ])
    func cases(current: [SetElement], desired: [SetElement], removed: [SetElement], added: [SetElement]) {
        let d = ElementDiff.difference(current: current, desired: desired)
        #expect(d.removed == removed)
        #expect(d.added == added)
    }

    /// Random sorted lists (the merge path) agree with the hashing definition of the difference.
    @Test(arguments: 0..<50)
    func mergeAgreesWithHashing(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        func list() -> [SetElement] {
            let starts = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt32.random(in: 0..<400, using: &rng) * 4 }
            return Set(starts).sorted().map { Self.v4($0, $0 + UInt32.random(in: 0..<3, using: &rng)) }
        }
        let current = list(), desired = list()
        #expect(ElementDiff.isStrictlyAscending(current) && ElementDiff.isStrictlyAscending(desired))
        let want = Set(desired), have = Set(current)
        let d = ElementDiff.difference(current: current, desired: desired)
        #expect(d.removed == current.filter { !want.contains($0) })
        #expect(d.added == desired.filter { !have.contains($0) })
    }
}
