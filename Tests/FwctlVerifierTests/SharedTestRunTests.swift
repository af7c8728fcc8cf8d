import FwctlCompiler
import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlPolicy
import Testing
@testable import FwctlVerifier

/// `fwctl test` checks one pair of host groups where it would check every pair of hosts: the
/// same results, failures included (hosts, packet, deciding rules), as checking every pair in
/// order. Seed 0 is a generated fleet of 6 roles of 10 hosts; the others are random small
/// fleets; each with random expectations over roles, hosts, `*`, networks and literal
/// addresses, listed with repeats and in mixed order.
@Suite struct SharedTestRunTests {
    @Test(arguments: 0...8)
    func groupedIsPairByPair(seed: Int) throws {
        var gen = RandomChains(seed: UInt64(seed) &* 6_151 &+ 17)
        var fleet = seed == 0 ? GeneratedFleet.make(hosts: 60, roles: 6, flows: 30) : RandomFleetTests.fleet(&gen)
        // Rules that tell hosts of one role apart by address (a literal naming one host's
        // address, a network covering part of a role): such hosts must not be taken for one
        // another. Odd seeds only, so the even ones show groups where nothing tells them apart.
        var targeted: [FwctlPolicy.Expectation] = []
        if seed % 2 == 1 || seed == 0 {
            let one = fleet.hosts[gen.int(fleet.hosts.count)], other = fleet.hosts[gen.int(fleet.hosts.count)]
            let role = Endpoint.role(fleet.roles[gen.int(fleet.roles.count)].name)
            // A service the expectations name too (they pick from the fleet's services).
            let service = fleet.services[gen.int(2)]
            let ssh = ServiceRef(name: service.name, isInline: false, atoms: service.atoms)
            fleet.flows.append(Flow(action: .allow, sources: [.addresses(one.addresses, text: "literal")], destinations: [role],
                                    services: [ssh], range: TestFleet.at(900), text: "allow literal -> role"))
            fleet.networks.append(Network(name: "part", addresses: other.addresses, range: TestFleet.at(901)))
            fleet.flows.append(Flow(action: gen.chance(50) ? .allow : .deny, sources: [role], destinations: [.network("part")],
                                    services: [ssh], range: TestFleet.at(902), text: "role -> part"))
            // Expectations between the roles of the hosts told apart and that role.
            for (host, outbound) in [(one, true), (other, false)] {
                for r in fleet.roles where r.hosts.contains(host.name) {
                    for kind in [FwctlPolicy.Expectation.Kind.allow, .deny, .only] {
                        let ends: ([Endpoint], [Endpoint]) = outbound ? ([.role(r.name)], [role]) : ([role], [.role(r.name)])
                        targeted.append(FwctlPolicy.Expectation(kind: kind, sources: ends.0, destinations: ends.1, services: [ssh],
                                                                range: TestFleet.at(903), text: "expect \(kind) \(ends.0) -> \(ends.1) : \(ssh.name)"))
                    }
                }
            }
        }
        let model = FleetModel(fleet: fleet, rulesets: Dictionary(uniqueKeysWithValues: Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }))
        let grouped = PolicyTestRunner(fleet: fleet, model: model)
        let alone = PolicyTestRunner(fleet: fleet, model: model, groupAlike: false)
        if seed == 0 { #expect(try #require(grouped.groups).count > 6, "the literal and the network split a role's hosts") }
        var failures = 0
        var failingSources = Set<IPAddress>()
        for (n, targeted) in (targeted.map(Optional.some) + Array(repeating: nil, count: 100)).enumerated() {
            let e = targeted ?? Self.expectation(fleet, &gen, line: n)
            let want = alone.evaluate(e), got = grouped.evaluate(e)
            #expect(got == want, "\(e.text)")
            if let f = want.failure {
                failures += 1
                failingSources.insert(f.packet.source)
            }
        }
        #expect(failures > 5, "too few failing expectations to compare failures")
        #expect(failingSources.count > 2, "failures from too few sources: \(failingSources)")
    }

    static func expectation(_ fleet: Fleet, _ gen: inout RandomChains, line: Int) -> FwctlPolicy.Expectation {
        func end() -> Endpoint {
            switch gen.int(12) {
            case 0...4: .role(fleet.roles[gen.int(fleet.roles.count)].name)
            case 5, 6: .host(fleet.hosts[gen.int(fleet.hosts.count)].name)
            case 7, 8: .fleet
            case 9: .network(fleet.networks[gen.int(fleet.networks.count)].name)
            default: .addresses(TestFleet.addrs("198.51.100.7", "2001:db8:ff::7"), text: "198.51.100.7, 2001:db8:ff::7")
            }
        }
        func side() -> [Endpoint] { (0...gen.int(3)).map { _ in end() } }
        let services = fleet.services.prefix(4).filter { _ in gen.chance(40) }.map { ServiceRef(name: $0.name, isInline: false, atoms: $0.atoms) }
        var refs = services.isEmpty ? [ServiceRef(name: fleet.services[0].name, isInline: false, atoms: fleet.services[0].atoms)] : services
        if gen.chance(15) { refs.append(ServiceRef(name: "any", isInline: true, atoms: [.any])) }
        let kind: FwctlPolicy.Expectation.Kind = [.allow, .deny, .only][gen.int(3)]
        let sources = side(), destinations = side()
        let text = "expect \(kind) \(sources.map(\.description)) -> \(destinations.map(\.description)) : \(refs.map(\.name))"
        return FwctlPolicy.Expectation(kind: kind, sources: sources, destinations: destinations, services: refs, range: TestFleet.at(line), text: text)
    }
}
