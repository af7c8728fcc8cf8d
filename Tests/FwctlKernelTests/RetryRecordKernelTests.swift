import Foundation
import FwctlPlanner
import FwctlTestSupport
import Testing
@testable import FwctlKernel

/// The applied record after a retried commit (another table committed between plan and
/// apply): it must describe the generation the batch actually went at and the table the
/// commit left, so the next run's fast read equals a full dump.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct RetryRecordKernelTests {
    typealias Host = AppliedRecordKernelTests.Host

    @Test(arguments: [false, true])
    func recordAfterARetriedApplyMatchesTheKernel(otherTableAlsoAfter: Bool) throws {
        let h = try Host()
        let a = try h.run()
        _ = try a.apply(try a.plan(toward: AppliedRecordKernelTests.base))
        let b = try h.run()
        let plan = try b.plan(toward: AppliedRecordKernelTests.grown)
        try h.ns.nft(["add", "table", "ip", "other"])
        var notices: [String] = []
        b.notice = { notices.append($0) }
        _ = try b.apply(plan)
        #expect(notices.count == 1, "\(notices)")
        #expect(b.sentAtGeneration == plan.generation.map { $0 + 1 })
        if otherTableAlsoAfter { try h.ns.nft(["add", "table", "ip", "later"]) }

        let c = try h.run()
        let fast = try c.read(table: AppliedRecordKernelTests.grown.ref)
        // The record is used only while nothing else committed since.
        #expect(c.lastRead?.read.reused == (otherTableAlsoAfter ? [] : ["role_lb_v4", "role_web_v4"]))
        let full = try h.run(refresh: true).read(table: AppliedRecordKernelTests.grown.ref)
        #expect(fast.generation == full.generation)
        #expect(fast.table == full.table)
        #expect(try c.plan(toward: AppliedRecordKernelTests.grown).isEmpty)
    }
}
