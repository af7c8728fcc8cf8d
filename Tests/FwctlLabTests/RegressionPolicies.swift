import Foundation
import Testing
import FwctlPolicy
@testable import FwctlLab

/// Small policies, one per way a policy and the kernel can part ways: each
/// gives its warning, and each runs through the lab in `LabKernelTests`.
enum Regression {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Regression")
    /// Policy file -> the warning it exists for.
    static let warnings = ["self-deny.policy": "W-deny-self", "wide-host.policy": "W-host-wide", "vacuous.policy": "W-flow-vacuous"]
    static var names: [String] { warnings.keys.sorted() }

    static func check(_ name: String) throws -> CheckResult {
        try PolicyFrontEnd.load(path: directory.appendingPathComponent(name).path, today: CalendarDate(year: 2026, month: 1, day: 1))
    }

    static func fleet(_ name: String) throws -> Fleet {
        try #require(try check(name).fleet, "\(name) does not check")
    }
}

@Suite struct RegressionPolicyTests {
    @Test("each regression policy checks, with the warning it exists for", arguments: Regression.names)
    func warns(_ name: String) throws {
        let result = try Regression.check(name)
        #expect(result.fleet != nil)
        #expect(result.diagnostics.contains { $0.id == Regression.warnings[name] }, "\(result.diagnostics.map(\.id))")
    }

    @Test("every host is probed to itself, predicted open (loopback)", arguments: Regression.names)
    func loopbackProbes(_ name: String) throws {
        let plan = LabPlan(fleet: try Regression.fleet(name))
        for end in plan.ends where end.kind == .host {
            #expect(plan.probes.contains { $0.isLoopback && $0.source == end.name }, "\(end.name)")
        }
        let networks = Set(plan.ends.filter { $0.kind == .network }.map(\.name))
        #expect(!plan.probes.contains { $0.isLoopback && networks.contains($0.source) })
    }
}
