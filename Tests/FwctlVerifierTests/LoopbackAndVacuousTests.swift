import Foundation
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// Expectations the kernel would contradict: a host's traffic to itself (loopback, which every
/// table admits first), and ends that can never exchange a packet (no common family, empty role).
@Suite struct LoopbackAndVacuousTests {
    static let policy = """
        role w { host w1 = 10.0.0.1, 2001:db8::1
                 host w2 = 10.0.0.3 }
        role v6only { host a = 2001:db8::a }
        role v4only { host b = 10.0.0.2 }
        role empty { }
        network lan = 10.0.0.2/32
        deny w1 -> w1 : any
        allow v6only -> v4only : tcp/80
        allow * -> * : tcp/22
        test "t" {
          EXPECTATIONS
        }
        """

    static func result(_ expectation: String) throws -> (PolicyTestReport, ExpectationResult) {
        let report = try PolicyText.report(Self.policy.replacingOccurrences(of: "EXPECTATIONS", with: expectation))
        return (report, try #require(report.tests.first?.expectations.first))
    }

    @Test func denyOfAHostToItselfFails() throws {
        let (report, r) = try Self.result("expect deny w1 -> w1 : tcp/9999")
        #expect(!r.passed)
        let f = try #require(r.failure)
        #expect(f.reason == "admitted over loopback (a host's traffic to its own address)")
        #expect(f.packet.description == "10.0.0.1 -> 10.0.0.1 tcp/9999")
        #expect(report.text().contains("FAIL t.policy:11: expect deny w1 -> w1 : tcp/9999"))
    }

    @Test func roleToItselfIncludesEachHostsLoopback() throws {
        let (_, r) = try Self.result("expect deny w -> w : tcp/9999")
        #expect(r.failure?.reason == "admitted over loopback (a host's traffic to its own address)")
        #expect(try Self.result("expect allow w1 -> w1 : tcp/9999").1.passed)
        #expect(try Self.result("expect only w1 -> w1 : tcp/9999").1.passed)
    }

    @Test(arguments: [
        ("expect allow v6only -> v4only : tcp/80", "no common address family: 'v6only' has only IPv6 addresses, 'v4only' only IPv4 addresses"),
        ("expect only v6only -> v4only : tcp/80", "no common address family: 'v6only' has only IPv6 addresses, 'v4only' only IPv4 addresses"),
        ("expect allow empty -> w : tcp/22", "'empty' has no addresses"),
        ("expect allow w -> empty : tcp/22", "'empty' has no addresses"),
        ("expect allow lan -> w : tcp/22", "'lan' has no addresses outside the fleet's hosts"),
    ])
    func allowOverVacuousEndsFails(expectation: String, why: String) throws {
        let (report, r) = try Self.result(expectation)
        #expect(!r.passed)
        #expect(r.vacuous == why)
        #expect(report.summary == "0 passed, 1 failed")
        #expect(report.text().contains("never carries a packet: \(why)"))
    }

    @Test(arguments: ["expect deny v6only -> v4only : tcp/80", "expect deny empty -> w : any"])
    func denyOverVacuousEndsPassesButSaysSo(expectation: String) throws {
        let (report, r) = try Self.result(expectation)
        #expect(r.passed)
        #expect(r.vacuous != nil)
        #expect(report.summary == "1 passed, 0 failed")
        #expect(report.text().contains("PASS t.policy:11: \(expectation)\n       vacuous: "))
        #expect(report.json().contains("\"vacuous\": "))
        #expect(report.junit().contains("<system-out>vacuous: "))
    }

    @Test func oneCommonFamilyIsNotVacuous() throws {
        let (_, r) = try Self.result("expect allow v6only, w2 -> v4only : tcp/22")
        #expect(r.vacuous == nil)
        #expect(r.passed)
    }
}
