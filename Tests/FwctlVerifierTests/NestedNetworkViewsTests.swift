import Foundation
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// A network that holds a smaller named network (`internet` holds `ops-vpn`) means the same in
/// every view: its own addresses, not the fleet's and not the smaller network's. So a matrix
/// cell between a network and a role is there exactly when `expect deny` over the same ends
/// and service fails (`fwctl verify --matrix`, the audit's matrix and `fwctl test` agree).
@Suite struct NestedNetworkViewsTests {
    static let policies = BundledPolicyTestsRun.policies

    @Test(arguments: ["scale-up.policy", "stacked.policy"])
    func matrixAgreesWithTests(_ name: String) throws {
        let result = try PolicyFrontEnd.load(path: Self.policies.appendingPathComponent(name).path, today: CalendarDate(year: 2026, month: 1, day: 1))
        let fleet = try #require(result.fleet)
        let model = PolicyText.model(fleet)
        let runner = PolicyTestRunner(fleet: fleet, model: model)
        let cells = Set(Reachability.matrix(model, fleet: fleet).entries.map { "\($0.source) -> \($0.destination) : \($0.service)" })
        var compared = 0
        for network in fleet.networks {
            for role in fleet.roles {
                for service in fleet.services {
                    let ref = ServiceRef(name: service.name, isInline: false, atoms: service.atoms)
                    for (s, d) in [(Endpoint.network(network.name), Endpoint.role(role.name)), (.role(role.name), .network(network.name))] {
                        let e = Expectation(kind: .deny, sources: [s], destinations: [d], services: [ref], range: fleet.flows[0].range, text: "")
                        let denied = runner.evaluate(e).passed
                        let cell = "\(Self.name(s)) -> \(Self.name(d)) : \(service.name)"
                        #expect(cells.contains(cell) == !denied, "\(name): \(cell): the matrix \(cells.contains(cell) ? "shows it" : "does not show it"), expect deny \(denied ? "passes" : "fails")")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 50)
    }

    static func name(_ e: Endpoint) -> String {
        switch e {
        case .network(let n), .role(let n): n
        default: "?"
        }
    }

    /// The case from the issue, written small: the office inside the internet reaches the bastion.
    @Test func internetIsNotTheOfficeInsideIt() throws {
        let fleet = try PolicyText.fleet("""
            network internet = 0.0.0.0/0
            network office = 203.0.113.0/26
            role bastion { host jump = 192.0.2.150 }
            service ssh = tcp/22
            allow office -> bastion : ssh

            """)
        let model = PolicyText.model(fleet)
        let cells = Reachability.matrix(model, fleet: fleet).entries.map { "\($0.source) -> \($0.destination) : \($0.service) \($0.coverage)" }
        #expect(cells == ["office -> bastion : ssh all"])
    }
}
