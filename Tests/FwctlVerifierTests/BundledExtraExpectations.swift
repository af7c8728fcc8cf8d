import Foundation
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// More `test` blocks for the bundled scale-up policy, kept here (policies/ is not ours): the
/// policy file and one more file checked as one policy, as a policy directory would be.
@Suite struct BundledExtraExpectations {
    static let extra = """
        test "tiers only talk to their neighbours" {
          expect only  web -> app : app-tls
          expect deny  lb -> app, db : any
          expect deny  web -> db : any
          expect deny  app -> web, lb : any
          expect allow lb-01 -> lb-02 : vrrp
          expect only  db-primary -> db-replica : mysql
        }
        test "shared services" {
          expect allow lb, web, app, db, monitor -> resolvers : dns
          expect allow web, db -> internet : ntp
          expect deny  web, app, db -> internet : https
          expect deny  internet -> lb : ssh
          expect allow ops-vpn -> db-primary : ssh
        }
        """

    /// Expectations that must fail, each with the packet it fails on.
    static let wrong: [(expectation: String, packet: String)] = [
        ("expect allow web -> db : mysql", "192.0.2.21 -> 192.0.2.41 tcp/3306"),
        ("expect deny lb -> web : https", "192.0.2.10 -> 192.0.2.21 tcp/443"),
        ("expect only monitor -> db : node-exporter, ssh", "192.0.2.51 -> 192.0.2.41 tcp/22"),
        ("expect allow lb -> lb : vrrp, tcp/9100", "192.0.2.10 -> 192.0.2.11 tcp/9100"),
    ]

    static func report(_ tests: String) throws -> PolicyTestReport {
        let path = BundledPolicyTestsRun.policies.appendingPathComponent("scale-up.policy").path
        let files = [
            try PolicyFrontEnd.sourceFile(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))),
            try PolicyFrontEnd.sourceFile(path: "extra.policy", bytes: Array(tests.utf8)),
        ]
        let result = PolicyFrontEnd.check(files: files, today: CalendarDate(year: 2026, month: 1, day: 1))
        let fleet = try #require(result.fleet, "\(result.diagnostics.map(\.message))")
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.message))")
        return PolicyTestRunner(fleet: fleet, model: PolicyText.model(fleet)).run()
    }

    @Test func extraExpectationsHold() throws {
        let report = try Self.report(Self.extra)
        #expect(report.failed == 0, "\(report.text())")
        #expect(report.passed == 11 + 11)  // the policy's own and these
    }

    @Test func wrongExpectationsFailOnTheRightPacket() throws {
        let body = Self.wrong.map { "  " + $0.expectation }.joined(separator: "\n")
        let report = try Self.report("test \"wrong\" {\n\(body)\n}\n")
        let results = try #require(report.tests.last).expectations
        #expect(results.map { $0.failure?.packet.description } == Self.wrong.map(\.packet), "\(report.text())")
    }
}
