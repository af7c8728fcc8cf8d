import Foundation
import Testing
import FwctlNet
import FwctlPolicy
@testable import FwctlLab

/// Bundled policies, loaded once per test.
enum Bundled {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("policies")
    static let names = ["stacked.policy", "scale-up.policy", "ipv6-only.policy", "containers.policy"]

    static func fleet(_ name: String) throws -> Fleet {
        try #require(try PolicyFrontEnd.load(path: directory.appendingPathComponent(name).path,
                                             today: CalendarDate(year: 2026, month: 1, day: 1)).fleet, "\(name) does not check")
    }
}

/// What a lab builds, without root: ends, their addresses, the probed ports.
@Suite struct LabPlanTests {
    @Test("every host is an end with the first address of each family", arguments: Bundled.names)
    func hostEnds(_ name: String) throws {
        let fleet = try Bundled.fleet(name)
        let plan = LabPlan(fleet: fleet)
        for host in fleet.hosts {
            let end = try #require(plan.ends.first { $0.name == host.name && $0.kind == .host })
            #expect(end.v4 == host.addresses.ranges(.v4).first?.lower)
            #expect(end.v6 == host.addresses.ranges(.v6).first?.lower)
            #expect(end.groups == host.roles)
        }
    }

    @Test("a network's end lies in it, outside the fleet and outside smaller networks", arguments: Bundled.names)
    func networkEnds(_ name: String) throws {
        let fleet = try Bundled.fleet(name)
        let plan = LabPlan(fleet: fleet)
        var fleetAddresses = AddressSet()
        for host in fleet.hosts { fleetAddresses.formUnion(host.addresses) }
        for network in fleet.networks {
            guard let end = plan.ends.first(where: { $0.name == network.name && $0.kind == .network }) else { continue }
            #expect(!end.addresses.isEmpty)
            for address in end.addresses {
                #expect(network.addresses.contains(address), "\(address) not in \(network.name)")
                #expect(!fleetAddresses.contains(address), "\(address) of \(network.name) is a fleet address")
                for other in fleet.networks where other.name != network.name && network.addresses.isSuperset(of: other.addresses) {
                    #expect(!other.addresses.contains(address), "\(address) of \(network.name) lies in \(other.name)")
                }
            }
        }
    }

    @Test("pick: the middle of a huge range, else the second address, else the only one", arguments: [
        ("0.0.0.0/0", "128.0.0.0"), ("::/0", "8000::"), ("203.0.113.0/26", "203.0.113.1"),
        ("192.0.2.7/32", "192.0.2.7"), ("2001:db8::/64", "2001:db8::8000:0:0:0"),
    ])
    func pick(_ prefix: String, _ expected: String) throws {
        let parts = prefix.split(separator: "/")
        let address = try #require(IPAddress(parts[0]))
        let range = try #require(AddressRange(prefix: address, length: Int(parts[1])!))
        var set = AddressSet()
        set.insert(range)
        #expect(LabPlan.pick(set, address.family) == IPAddress(expected))
    }

    @Test("ports: both ends of every tcp/udp range, and an unnamed port per protocol")
    func ports() throws {
        let plan = LabPlan(fleet: try Bundled.fleet("stacked.policy"))
        let text = Set(plan.ports.map(\.description))
        for expected in ["tcp/443", "tcp/7000", "tcp/7010", "udp/7000", "udp/7010", "udp/30000", "udp/30100", "tcp/8080", "tcp/8089", "tcp/9090", "udp/123", "tcp/9", "udp/9"] {
            #expect(text.contains(expected), "\(expected) missing")
        }
        #expect(!plan.ports.contains { $0.proto == .sctp })
    }

    @Test("forward = policy: every host has a container publishing the ports from 1024 up, on a link no end uses")
    func containers() throws {
        let plan = LabPlan(fleet: try Bundled.fleet("containers.policy"))
        #expect(plan.containers.map(\.host) == plan.ends.filter { $0.kind == .host }.map(\.name))
        for c in plan.containers {
            #expect(c.ports.map(\.description) == ["tcp/8080", "tcp/9100"])
            #expect(c.v4 == IPAddress("100.127.255.2") && c.gateway4 == IPAddress("100.127.255.1"))
            #expect(c.v6 == IPAddress("fd00:fc::2") && c.gateway6 == IPAddress("fd00:fc::1"))
        }
        let probes = plan.probes
        #expect(probes.contains { $0.source == "lb1" && $0.destination == "web1" && $0.port.port == 8080 && $0.published })
        #expect(!probes.contains { $0.port.port == 22 && $0.published })
        #expect(!probes.contains { $0.source == $0.destination && $0.published })
        // Other policies run no containers.
        #expect(LabPlan(fleet: try Bundled.fleet("stacked.policy")).containers.isEmpty)
    }
}
