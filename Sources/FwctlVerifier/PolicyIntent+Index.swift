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
        /// Per host, the roles (numbered by name) whose members it is.
        private let hostRoles: [String: [Int]]
        /// Hosts a flow names one by one (`.host`).
        private let namedHosts: Set<String>

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
            var hostRoles: [String: [Int]] = [:]
            for (r, name) in roleMembers.keys.sorted().enumerated() {
                for h in roleMembers[name]! { hostRoles[h, default: []].append(r) }
            }
            self.hostRoles = hostRoles
            var named = Set<String>()
            for flow in fleet.flows {
                for case .host(let h) in flow.sources + flow.destinations { named.insert(h) }
            }
            namedHosts = named
        }

        /// Everything a host's intent depends on (see `names` and `PolicyIntent.init`): hosts
        /// of one class have the same intent, box for box.
        public struct IntentClass: Hashable, Sendable {
            var roles: [Int]
            var families: [Bool]
            var inFleet: Bool
            var named: String?
        }

        func intentClass(of host: String) -> IntentClass {
            let addresses = hostAddresses[host]
            return IntentClass(roles: hostRoles[host] ?? [], families: IPFamily.allCases.map { f in addresses.map { !$0.isEmpty(f) } ?? false },
                               inFleet: addresses != nil, named: namedHosts.contains(host) ? host : nil)
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
