import FwctlNet
import FwctlPolicy
@testable import FwctlVerifier

/// The fleet scripts/gen-fleet.sh writes, built in code: HOSTS hosts in ROLES roles, FLOWS flows.
enum GeneratedFleet {
    static func make(hosts: Int, roles: Int, flows: Int) -> Fleet {
        let at = TestFleet.at(1)
        func addr(_ s: String) -> AddressSet { TestFleet.addrs(s) }
        let services = (0..<50).map { s in
            Service(name: "svc\(s)", atoms: [.ports(.tcp, [PortRange(UInt16(10_000 + s))]), .ports(.udp, [PortRange(UInt16(20_000 + s))])], range: at)
        }
        var hostList: [Host] = []
        var roleList: [Role] = []
        let per = hosts / roles
        for r in 0..<roles {
            var members: [String] = []
            for k in 0..<per {
                let i = r * per + k
                var a = AddressSet()
                a.insert(AddressRange(.v4(0x0A00_0000 | UInt32(i))))
                a.insert(AddressRange(.v6((0x2001_0db8 << 96) | (UInt128(r) << 80) | UInt128(k + 1))))
                hostList.append(Host(name: "h\(i)", addresses: a, roles: ["r\(r)"], range: at))
                members.append("h\(i)")
            }
            roleList.append(Role(name: "r\(r)", hosts: members, range: at))
        }
        func ref(_ s: Service) -> ServiceRef { ServiceRef(name: s.name, isInline: false, atoms: s.atoms) }
        func inline(_ port: Int) -> ServiceRef { ServiceRef(name: "tcp/\(port)", isInline: true, atoms: [.ports(.tcp, [PortRange(UInt16(port))])]) }
        var flowList = [
            Flow(action: .allow, sources: [.network("ops")], destinations: [.fleet], services: [inline(22)], range: at, text: "allow ops -> * : tcp/22"),
            Flow(action: .allow, sources: [.fleet], destinations: [.network("internet")],
                 services: [ServiceRef(name: "udp/123", isInline: true, atoms: [.ports(.udp, [PortRange(123)])])], range: at, text: "allow * -> internet : udp/123"),
        ]
        var n = 2, d = 1
        while n < flows {
            for r in 0..<roles where n < flows {
                let dst = (r + d) % roles
                flowList.append(Flow(action: .allow, sources: [.role("r\(r)")], destinations: [.role("r\(dst)")],
                                     services: [ref(services[dst % 50]), inline(30_000 + n)], range: at, text: "allow r\(r) -> r\(dst)"))
                n += 1
            }
            d += 1
        }
        return Fleet(networks: [Network(name: "internet", addresses: addr("0.0.0.0/0").union(addr("::/0")), range: at),
                                Network(name: "ops", addresses: addr("198.51.100.0/24").union(addr("2001:db8:ff::/48")), range: at)],
                     services: services, roles: roleList, hosts: hostList, flows: flowList)
    }
}
