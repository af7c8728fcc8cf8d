import FwctlNet
import FwctlPolicy

/// Lookups the compiler makes for every host and flow, computed once per fleet.
///
/// `Fleet`'s own helpers search arrays, which is fine for one question and far too slow for
/// compiling 10,000 hosts against 1,000 flows.
struct FleetIndex: Sendable {
    private let hostAddresses: [String: AddressSet]
    private let hostRoles: [String: Set<String>]
    private let roleAddresses: [String: AddressSet]
    private let networkAddresses: [String: AddressSet]
    private let fleetAddresses: AddressSet

    init(_ fleet: Fleet) {
        var hosts: [String: AddressSet] = [:]
        var roles: [String: Set<String>] = [:]
        var all = AddressSet()
        for h in fleet.hosts {
            hosts[h.name] = h.addresses
            roles[h.name] = Set(h.roles)
            all.formUnion(h.addresses)
        }
        var roleAddrs: [String: AddressSet] = [:]
        for r in fleet.roles {
            var set = AddressSet()
            for h in r.hosts { set.formUnion(hosts[h] ?? AddressSet()) }
            roleAddrs[r.name] = set
        }
        hostAddresses = hosts
        hostRoles = roles
        roleAddresses = roleAddrs
        networkAddresses = Dictionary(fleet.networks.map { ($0.name, $0.addresses) }, uniquingKeysWith: { a, _ in a })
        fleetAddresses = all
    }

    /// Every address an endpoint stands for (same meaning as `Fleet.addresses(of:)`).
    func addresses(of endpoint: Endpoint) -> AddressSet {
        switch endpoint {
        case .role(let n): roleAddresses[n] ?? AddressSet()
        case .network(let n): networkAddresses[n] ?? AddressSet()
        case .host(let n): hostAddresses[n] ?? AddressSet()
        case .fleet: fleetAddresses
        case .addresses(let set, _): set
        }
    }

    /// True when one of `endpoints` names `host` (same meaning as `Fleet.endpoints(_:include:)`).
    func endpoints(_ endpoints: [Endpoint], include host: String) -> Bool {
        endpoints.contains { e in
            switch e {
            case .fleet: true
            case .role(let r): hostRoles[host]?.contains(r) ?? false
            case .host(let h): h == host
            case .network, .addresses: false
            }
        }
    }
}
