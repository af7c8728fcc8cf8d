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
    /// Per role and for the fleet: the hosts' own ranges, overlaps merged, adjacent ones kept
    /// apart. Set elements follow hosts, so adding a host adds exactly its own elements.
    private let roleElements: [String: [AddressRange]]
    private let fleetElements: [AddressRange]

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
        var roleElems: [String: [AddressRange]] = [:]
        for r in fleet.roles {
            var set = AddressSet()
            for h in r.hosts { set.formUnion(hosts[h] ?? AddressSet()) }
            roleAddrs[r.name] = set
            roleElems[r.name] = Self.elements(r.hosts.compactMap { hosts[$0] })
        }
        roleElements = roleElems
        fleetElements = Self.elements(fleet.hosts.map(\.addresses))
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

    /// The elements of the named set standing for a role or the fleet (one family); for a
    /// network, its merged ranges.
    func setElements(of endpoint: Endpoint, family: IPFamily) -> [AddressRange] {
        switch endpoint {
        case .role(let n): (roleElements[n] ?? []).filter { $0.family == family }
        case .fleet: fleetElements.filter { $0.family == family }
        default: addresses(of: endpoint).ranges(family)
        }
    }

    /// The hosts' ranges sorted, duplicates dropped and overlapping ranges merged (the kernel
    /// refuses overlapping elements), adjacent ranges kept as separate elements.
    static func elements(_ hostSets: [AddressSet]) -> [AddressRange] {
        var all: [AddressRange] = []
        for s in hostSets { all += s.ranges(.v4) + s.ranges(.v6) }
        all.sort { ($0.lower, $0.upper) < ($1.lower, $1.upper) }
        var out: [AddressRange] = []
        for r in all {
            if let last = out.last, last.family == r.family, !(last.upper < r.lower) {
                if last.upper < r.upper { out[out.count - 1] = AddressRange(lower: last.lower, upper: r.upper) }
            } else {
                out.append(r)
            }
        }
        return out
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
