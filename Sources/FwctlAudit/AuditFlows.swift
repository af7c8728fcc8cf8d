import FwctlNet
import FwctlPolicy
import FwctlVerifier

/// The policy's statements as they concern each host, and as edges of the tier diagram.
///
/// A statement is inbound for a host its destinations name and outbound for one its sources
/// name (both for `db -> db`); one entry per service, so each row has one port list and one
/// owner. Flags come from the review metadata; a `deny` is an exception and never flagged.
struct AuditFlows {
    let fleet: Fleet
    let today: CalendarDate

    /// A host's flows, each peer with the hosts and addresses it stands for (schema 1).
    func entries(for host: String) -> [AuditReport.FlowEntry] {
        entries(naming: { fleet.endpoints($0, include: host) }, peer: { peer($0, excluding: host) })
    }

    /// A host's flows, each peer by name only (schema 2: `reference`). The same for every
    /// host of one role set (and one name, when a flow names the host), so worked out once for
    /// a class of alike hosts.
    func entries(of host: FwctlPolicy.Host) -> [AuditReport.FlowEntry] {
        let roles = Set(host.roles)
        return entries(naming: { ends in
            ends.contains { end in
                switch end {
                case .fleet: true
                case .role(let r): roles.contains(r)
                case .host(let h): h == host.name
                case .network, .addresses: false
                }
            }
        }, peer: reference)
    }

    private func entries(naming: ([Endpoint]) -> Bool, peer: (Endpoint) -> AuditReport.Peer) -> [AuditReport.FlowEntry] {
        var inbound: [AuditReport.FlowEntry] = [], outbound: [AuditReport.FlowEntry] = []
        for flow in fleet.flows {
            if naming(flow.destinations) { inbound += entries(flow, .inbound, peers: flow.sources.map(peer)) }
            if naming(flow.sources) { outbound += entries(flow, .outbound, peers: flow.destinations.map(peer)) }
        }
        return inbound + outbound
    }

    private func entries(_ flow: Flow, _ direction: AuditReport.Direction, peers peerList: [AuditReport.Peer]) -> [AuditReport.FlowEntry] {
        let flags = flow.action == .allow ? Self.flags(flow.metadata, today: today) : []
        return flow.services.map { service in
            AuditReport.FlowEntry(
                direction: direction, action: flow.action.rawValue, service: service.name,
                ports: service.atoms.map { ServiceProbe($0).description }, peers: peerList,
                location: flow.range.fileLine, statement: flow.text,
                owner: flow.metadata.owner, because: flow.metadata.justification,
                reviewBy: flow.metadata.reviewBy?.description, flags: flags)
        }
    }

    static func flags(_ m: FlowMetadata, today: CalendarDate) -> [AuditReport.Flag] {
        var flags: [AuditReport.Flag] = []
        if let date = m.reviewBy, date < today { flags.append(.overdue) }
        if (m.justification ?? "").trimmingCharacters(in: .whitespaces).isEmpty { flags.append(.unjustified) }
        if (m.owner ?? "").trimmingCharacters(in: .whitespaces).isEmpty { flags.append(.noOwner) }
        if m.reviewBy == nil { flags.append(.noReview) }
        return flags
    }

    /// `*` is not expanded: it would list the whole fleet in every flow of every host
    /// (quadratic in hosts); `hosts[]` of the report has them.
    func peer(_ endpoint: Endpoint, excluding host: String) -> AuditReport.Peer {
        if case .fleet = endpoint { return AuditReport.Peer(kind: "fleet", name: "*", hosts: [], addresses: []) }
        let hosts = fleet.hostNames(in: endpoint).filter { $0 != host }
        let addresses: AddressSet
        switch endpoint {
        case .role, .host, .fleet:
            addresses = hosts.reduce(into: AddressSet()) { $0.formUnion(fleet.host(named: $1)?.addresses ?? AddressSet()) }
        case .network, .addresses:
            addresses = fleet.addresses(of: endpoint)
        }
        return AuditReport.Peer(kind: Self.kind(endpoint), name: endpoint.description, hosts: hosts, addresses: Self.addressList(addresses))
    }

    /// A peer by name (schema 2): a role's, a host's and `*`'s hosts are in the report's
    /// `roles[]` and `hosts[]`, listed once; a network's or literal's addresses are here.
    func reference(_ endpoint: Endpoint) -> AuditReport.Peer {
        let addresses: [String]
        switch endpoint {
        case .network, .addresses: addresses = Self.addressList(fleet.addresses(of: endpoint))
        case .role, .host, .fleet: addresses = []
        }
        return AuditReport.Peer(kind: Self.kind(endpoint), name: endpoint.description, hosts: [], addresses: addresses)
    }

    static func kind(_ endpoint: Endpoint) -> String {
        switch endpoint {
        case .role: "role"
        case .network: "network"
        case .host: "host"
        case .fleet: "fleet"
        case .addresses: "addresses"
        }
    }

    /// IPv4 ranges, then IPv6 ones, as nft lists them.
    static func addressList(_ set: AddressSet) -> [String] {
        set.ranges(.v4).map(\.description) + set.ranges(.v6).map(\.description)
    }

    /// One edge per (source end, destination end) of the allow statements, services merged
    /// in policy order; denies are exceptions inside an edge, not edges.
    func diagramEdges() -> [AuditReport.DiagramEdge] {
        var edges: [AuditReport.DiagramEdge] = []
        var index: [String: Int] = [:]
        for flow in fleet.flows where flow.action == .allow {
            for s in diagramEnds(flow.sources) {
                for d in diagramEnds(flow.destinations) {
                    let key = "\(s.kind):\(s.name)\u{0}\(d.kind):\(d.name)"
                    if index[key] == nil {
                        index[key] = edges.count
                        edges.append(AuditReport.DiagramEdge(fromKind: s.kind, from: s.name, toKind: d.kind, to: d.name, services: []))
                    }
                    for service in flow.services.map(\.name) where !edges[index[key]!].services.contains(service) {
                        edges[index[key]!].services.append(service)
                    }
                }
            }
        }
        return edges
    }

    /// The boxes one side of a statement stands for: a host that is alone in a role is that
    /// role's box; the literal addresses of one side are one box (`192.0.2.200, 2001:db8::200`).
    func diagramEnds(_ endpoints: [Endpoint]) -> [(kind: String, name: String)] {
        var ends: [(kind: String, name: String)] = []
        var literals: [String] = []
        for e in endpoints {
            switch e {
            case .addresses(_, let text): literals.append(text)
            case .host(let h):
                if let role = fleet.roles.first(where: { $0.hosts == [h] }) { ends.append(("role", role.name)) } else { ends.append(("host", h)) }
            default: ends.append((Self.kind(e), e.description))
            }
        }
        if !literals.isEmpty { ends.append(("addresses", literals.joined(separator: ", "))) }
        return ends
    }
}
