import FwctlNet

extension Fleet {
    /// Every address an endpoint stands for.
    public func addresses(of endpoint: Endpoint) -> AddressSet {
        switch endpoint {
        case .role(let name):
            var set = AddressSet()
            for h in role(named: name)?.hosts ?? [] { set.formUnion(host(named: h)?.addresses ?? AddressSet()) }
            return set
        case .network(let name):
            return network(named: name)?.addresses ?? AddressSet()
        case .host(let name):
            return host(named: name)?.addresses ?? AddressSet()
        case .fleet:
            return hosts.reduce(into: AddressSet()) { $0.formUnion($1.addresses) }
        case .addresses(let set, _):
            return set
        }
    }

    /// The fleet hosts an endpoint names: members of a role, the host itself, every host for
    /// `*`. Networks and literal addresses name no host (even when a host's address falls
    /// inside them: a flow to a network is about traffic leaving the fleet).
    public func hostNames(in endpoint: Endpoint) -> [String] {
        switch endpoint {
        case .role(let name): role(named: name)?.hosts ?? []
        case .host(let name): [name]
        case .fleet: hosts.map(\.name)
        case .network, .addresses: []
        }
    }

    /// True when `host` is one of the hosts an endpoint list names.
    public func endpoints(_ endpoints: [Endpoint], include host: String) -> Bool {
        endpoints.contains { hostNames(in: $0).contains(host) }
    }
}

extension Endpoint: CustomStringConvertible {
    /// The endpoint as written in a policy.
    public var description: String {
        switch self {
        case .role(let n), .network(let n), .host(let n): n
        case .fleet: "*"
        case .addresses(_, let text): text
        }
    }
}
