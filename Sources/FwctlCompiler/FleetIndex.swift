import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// Lookups the compiler makes for every host and flow, computed once per fleet.
///
/// `Fleet`'s own helpers search arrays, which is fine for one question and far too slow for
/// compiling 10,000 hosts against 1,000 flows.
struct FleetIndex: Sendable {
    private let hostAddresses: [String: AddressSet]
    private let roleAddresses: [String: AddressSet]
    private let networkAddresses: [String: AddressSet]
    private let fleetAddresses: AddressSet
    /// Per role and for the fleet: the hosts' own ranges, overlaps merged, adjacent ones kept
    /// apart. Set elements follow hosts, so adding a host adds exactly its own elements.
    private let roleElements: [String: [IPFamily: [SetElement]]]
    private let fleetElements: [IPFamily: [SetElement]]
    private let networkElements: [String: [IPFamily: [SetElement]]]
    /// Host names to their position in `Fleet.hosts`.
    private let hostPositions: [String: Int]
    /// Each flow's ends reduced to what decides whether they name a host, so finding a
    /// host's flows neither copies flows nor hashes strings per flow.
    private let flowEnds: [(sources: [HostKey], destinations: [HostKey])]
    /// The roles of each host, as role numbers.
    private let hostRoleIDs: [String: [Int]]

    private enum HostKey {
        case fleet, role(Int), host(String)
    }

    init(_ fleet: Fleet) {
        var hosts: [String: AddressSet] = [:]
        var all = AddressSet()
        for h in fleet.hosts {
            hosts[h.name] = h.addresses
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
        roleElements = roleElems.mapValues(Self.byFamily)
        networkElements = Dictionary(fleet.networks.map { n in
            (n.name, Self.byFamily(n.addresses.ranges(.v4) + n.addresses.ranges(.v6)))
        }, uniquingKeysWith: { a, _ in a })
        hostPositions = Dictionary(fleet.hosts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let roleIDs = Dictionary(fleet.roles.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        func keys(_ ends: [Endpoint]) -> [HostKey] {
            ends.compactMap { e -> HostKey? in
                switch e {
                case .fleet: .fleet
                case .role(let r): roleIDs[r].map(HostKey.role)
                case .host(let h): .host(h)
                case .network, .addresses: nil
                }
            }
        }
        flowEnds = fleet.flows.map { (keys($0.sources), keys($0.destinations)) }
        hostRoleIDs = Dictionary(fleet.hosts.map { h in (h.name, h.roles.compactMap { roleIDs[$0] }) }, uniquingKeysWith: { a, _ in a })
        fleetElements = Self.byFamily(Self.elements(fleet.hosts.map(\.addresses)))
        hostAddresses = hosts
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
    /// Computed once per fleet, so every host's copy of a set shares one element array.
    func setElements(of endpoint: Endpoint, family: IPFamily) -> [SetElement] {
        switch endpoint {
        case .role(let n): roleElements[n]?[family] ?? []
        case .fleet: fleetElements[family] ?? []
        case .network(let n): networkElements[n]?[family] ?? []
        default: addresses(of: endpoint).ranges(family).map(SetElement.address)
        }
    }

    /// The position of `host` in `Fleet.hosts`.
    func position(of host: String) -> Int? { hostPositions[host] }

    static func byFamily(_ ranges: [AddressRange]) -> [IPFamily: [SetElement]] {
        Dictionary(grouping: ranges, by: \.family).mapValues { $0.map(SetElement.address) }
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

    /// Indexes of the flows whose destination (`inbound: true`) or source names `host`.
    func flows(of host: String, inbound isInbound: Bool) -> [Int] {
        let roles = hostRoleIDs[host] ?? []
        return flowEnds.indices.filter { i in
            (isInbound ? flowEnds[i].destinations : flowEnds[i].sources).contains { key in
                switch key {
                case .fleet: true
                case .role(let r): roles.contains(r)
                case .host(let h): h == host
                }
            }
        }
    }
}
