import FwctlNet
import FwctlPolicy

extension PolicyIntent {
    /// A fleet's endpoints resolved once (addresses, role members), so building the intent of
    /// thousands of hosts does not look every name up again for each flow of each host.
    /// Immutable after `init`: shared by parallel verifications.
    public final class Index: Sendable {
        let fleet: Fleet
        private let roleMembers: [String: Set<String>]
        private let roleAddresses: [String: AddressSet]
        private let hostAddresses: [String: AddressSet]
        private let networkAddresses: [String: AddressSet]
        private let fleetAddresses: AddressSet

        public init(_ fleet: Fleet) {
            self.fleet = fleet
            let hosts = Dictionary(fleet.hosts.map { ($0.name, $0.addresses) }, uniquingKeysWith: { a, _ in a })
            hostAddresses = hosts
            roleMembers = Dictionary(fleet.roles.map { ($0.name, Set($0.hosts)) }, uniquingKeysWith: { a, _ in a })
            roleAddresses = Dictionary(fleet.roles.map { role in
                (role.name, role.hosts.reduce(into: AddressSet()) { $0.formUnion(hosts[$1] ?? AddressSet()) })
            }, uniquingKeysWith: { a, _ in a })
            networkAddresses = Dictionary(fleet.networks.map { ($0.name, $0.addresses) }, uniquingKeysWith: { a, _ in a })
            fleetAddresses = fleet.hosts.reduce(into: AddressSet()) { $0.formUnion($1.addresses) }
        }

        /// Every address an endpoint stands for (as `Fleet.addresses(of:)`).
        func addresses(of endpoint: Endpoint) -> AddressSet {
            switch endpoint {
            case .role(let n): roleAddresses[n] ?? AddressSet()
            case .network(let n): networkAddresses[n] ?? AddressSet()
            case .host(let n): hostAddresses[n] ?? AddressSet()
            case .fleet: fleetAddresses
            case .addresses(let set, _): set
            }
        }

        func addresses(ofHost name: String) -> AddressSet? { hostAddresses[name] }

        /// Whether an endpoint names the host (as `Fleet.endpoints(_:include:)`): networks and
        /// literal addresses name no host, even when a host's address lies inside them.
        func names(_ endpoint: Endpoint, host: String) -> Bool {
            switch endpoint {
            case .role(let n): roleMembers[n]?.contains(host) ?? false
            case .host(let n): n == host
            case .fleet: hostAddresses[host] != nil
            case .network, .addresses: false
            }
        }
    }
}
