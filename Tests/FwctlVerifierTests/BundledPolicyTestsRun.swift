import Foundation
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// Every `test` block of the bundled policies holds on their compiled rulesets.
@Suite struct BundledPolicyTestsRun {
    static let policies = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policies")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: policies.path)) ?? []).filter { $0.hasSuffix(".policy") }.sorted()
    }

    /// Bundled expectations known not to hold (none: every bundled test must pass).
    static let knownWrong: [String] = []

    @Test func thereAreBundledPolicies() { #expect(Self.names.count >= 3) }

    @Test(arguments: names) func bundledExpectationsHold(_ name: String) throws {
        let result = try PolicyFrontEnd.load(path: Self.policies.appendingPathComponent(name).path, today: CalendarDate(year: 2026, month: 1, day: 1))
        let fleet = try #require(result.fleet)
        let report = PolicyTestRunner(fleet: fleet, model: PolicyText.model(fleet)).run()
        #expect(report.passed > 0)
        let failed = report.tests.flatMap(\.expectations).filter { !$0.passed }.map { "\(name):\($0.expectation.range.start.line)" }
        #expect(failed == Self.knownWrong.filter { $0.hasPrefix(name + ":") }, "\(report.text())")
    }
}
