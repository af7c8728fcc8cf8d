import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// Host-to-host reachability and the role matrix on a compiled three-tier fleet.
@Suite struct ReachabilityTests {
    static let model = FleetModel(fleet: TestFleet.fleet, rulesets: TestFleet.rulesets)

    struct Case: Sendable, CustomTestStringConvertible {
        var from: Reachability.End
        var to: Reachability.End
        var proto: UInt8
        var port: UInt16?
        var type: UInt8? = nil
        var admitted: Bool
        var testDescription: String { "\(from) -> \(to) \(proto)/\(port ?? 0) \(admitted)" }
    }

    static let cases: [Case] = [
        Case(from: .host("lb-01"), to: .host("web-01"), proto: 6, port: 8050, admitted: true),
        Case(from: .host("lb-01"), to: .host("web-01"), proto: 6, port: 8101, admitted: false),
        Case(from: .host("web-01"), to: .host("lb-01"), proto: 6, port: 8050, admitted: false),
        Case(from: .host("web-02"), to: .host("db-01"), proto: 6, port: 5432, admitted: false),
        Case(from: .host("web-02"), to: .host("db-02"), proto: 6, port: 5432, admitted: true),
        Case(from: .host("lb-02"), to: .host("web-02"), proto: 6, port: 9000, admitted: false),
        Case(from: .network("internet"), to: .host("lb-02"), proto: 6, port: 443, admitted: true),
        Case(from: .network("internet"), to: .host("web-01"), proto: 6, port: 443, admitted: false),
        Case(from: .network("ops"), to: .host("db-02"), proto: 6, port: 22, admitted: true),
        Case(from: .addresses(TestFleet.addrs("203.0.113.5")), to: .host("db-02"), proto: 6, port: 22, admitted: false),
        Case(from: .host("db-01"), to: .network("internet"), proto: 17, port: 123, admitted: true),
        Case(from: .host("db-01"), to: .network("internet"), proto: 17, port: 53, admitted: false),
        Case(from: .network("internet"), to: .host("db-01"), proto: 1, type: 8, admitted: true),
        Case(from: .host("lb-01"), to: .host("web-01"), proto: 1, type: 8, admitted: false),
    ]

    @Test(arguments: cases)
    func admits(_ c: Case) throws {
        let a = Reachability.admits(Self.model, from: c.from, to: c.to, proto: c.proto, port: c.port, icmpType: c.type)
        #expect(a.admitted == c.admitted)
        let packet = try #require(a.packet)
        // The verdicts shown are those of the packet shown, and agree with the answer.
        let verdicts = [a.sourceVerdict, a.destinationVerdict].compactMap { $0 }
        #expect(verdicts.allSatisfy(\.verdict.admits) == c.admitted, "\(packet) \(verdicts)")
    }

    @Test func aDeniedFlowNamesTheDenyRule() throws {
        let a = Reachability.admits(Self.model, from: .host("web-02"), to: .host("db-01"), proto: 6, port: 5432)
        let v = try #require(a.destinationVerdict)
        let chain = try #require(Self.model.host(named: "db-01")?.input?.chain)
        #expect(v.verdict == .drop)
        #expect(chain.rules[try #require(v.rule)].comment == "t.policy:22: deny line 22")
        #expect(a.packet?.source == B.ip("192.0.2.22"))
    }

    @Test func compiledChainsHaveNoUnreachableRules() {
        for host in Self.model.hosts {
            for chain in [host.input, host.output].compactMap({ $0 }) {
                #expect(chain.unreachable.isEmpty, "\(host.name) \(chain.chain.name): \(chain.unreachable)")
                #expect(chain.uncertain.isEmpty)
            }
        }
    }

    @Test func compiledChainsAreConntrackSound() {
        for host in Self.model.hosts {
            #expect(host.input?.conntrack.isSound == true, "\(host.name)")
            #expect(host.output?.conntrack.isSound == true, "\(host.name)")
        }
    }
}
