import FwctlNet
import FwctlPolicy

/// What a lab builds for a fleet: one end (namespace) per host and per outside network, the
/// address each end uses per family, and the ports probed.
///
/// Pure, so it is unit-tested without root; `Lab` turns it into namespaces.
public struct LabPlan: Hashable, Sendable {
    /// One namespace of the lab.
    public struct End: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable { case host, network }
        public var name: String
        public var kind: Kind
        /// Roles of a host; the network's own name for a network.
        public var groups: [String]
        public var v4: IPAddress?
        public var v6: IPAddress?
        public var addresses: [IPAddress] { [v4, v6].compactMap { $0 } }
    }

    /// One probed port: a service port of the policy, or one that must stay closed.
    public struct Port: Hashable, Sendable, Comparable {
        public var proto: PortProtocol
        public var port: UInt16
        public static func < (a: Port, b: Port) -> Bool { (a.proto, a.port) < (b.proto, b.port) }
        public var description: String { "\(proto.rawValue)/\(port)" }
    }

    public var ends: [End]
    public var ports: [Port]
    /// The policy's services (names, or inline text) that name each probed port.
    public var services: [Port: [String]]
    /// With `forward = policy`: one container per host, behind a DNAT (`LabPlan+Containers`).
    public var containers: [Container]

    public init(fleet: Fleet) {
        var ends: [End] = fleet.hosts.map { host in
            End(name: host.name, kind: .host, groups: host.roles,
                v4: host.addresses.ranges(.v4).first?.lower, v6: host.addresses.ranges(.v6).first?.lower)
        }
        var fleetAddresses = AddressSet()
        for host in fleet.hosts { fleetAddresses.formUnion(host.addresses) }
        for network in fleet.networks {
            // An address of the network that no host owns and no smaller network holds, so the
            // namespace stands for this network only.
            var avoid = fleetAddresses
            for other in fleet.networks where other.name != network.name && network.addresses.isSuperset(of: other.addresses) {
                avoid.formUnion(other.addresses)
            }
            let usable = network.addresses.subtracting(avoid)
            ends.append(End(name: network.name, kind: .network, groups: [network.name],
                            v4: Self.pick(usable, .v4), v6: Self.pick(usable, .v6)))
        }
        self.ends = ends.filter { !$0.addresses.isEmpty }
        let ports = Self.ports(fleet)
        self.ports = ports
        var services: [Port: [String]] = [:]
        let refs = fleet.services.map { ($0.name, $0.atoms) } + fleet.flows.flatMap { $0.services.filter(\.isInline).map { ($0.name, $0.atoms) } }
        for port in ports {
            for (name, atoms) in refs where atoms.contains(where: { Self.atom($0, covers: port.proto, port.port) }) {
                if !(services[port] ?? []).contains(name) { services[port, default: []].append(name) }
            }
        }
        self.services = services
        containers = Self.containers(fleet, ends: self.ends, ports: ports)
    }

    /// A plain unicast address of `set`: the middle of a huge range (avoids 0/8, ::, ::1),
    /// else the second address of the first range, else its first.
    static func pick(_ set: AddressSet, _ family: IPFamily) -> IPAddress? {
        for range in set.ranges(family) {
            switch (range.lower, range.upper) {
            case let (.v4(lo), .v4(hi)):
                if hi - lo > 1 << 16 { return .v4(lo + (hi - lo) / 2 + 1) }
                return .v4(hi > lo ? lo + 1 : lo)
            case let (.v6(lo), .v6(hi)):
                if hi - lo > 1 << 16 { return .v6(lo + (hi - lo) / 2 + 1) }
                return .v6(hi > lo ? lo + 1 : lo)
            default: continue
            }
        }
        return nil
    }

    /// Both ends of every TCP/UDP port range the policy names, plus ports no service names.
    static func ports(_ fleet: Fleet) -> [Port] {
        var atoms = fleet.services.flatMap(\.atoms)
        for flow in fleet.flows { atoms += flow.services.flatMap(\.atoms) }
        var ports = Set<Port>()
        for case let .ports(proto, ranges) in atoms where proto != .sctp {
            for range in ranges { ports.insert(Port(proto: proto, port: range.lower)); ports.insert(Port(proto: proto, port: range.upper)) }
        }
        for proto in [PortProtocol.tcp, .udp] {
            // The first candidate no range of the policy covers: it must stay closed everywhere.
            for candidate: UInt16 in [9, 61000, 31337] where !atoms.contains(where: { Self.atom($0, covers: proto, candidate) }) {
                ports.insert(Port(proto: proto, port: candidate))
                break
            }
        }
        return ports.sorted()
    }
}

extension LabPlan {
    static func atom(_ atom: ServiceAtom, covers proto: PortProtocol, _ port: UInt16) -> Bool {
        switch atom {
        case .any: return false  // `any` flows are still predicted; the port stays unnamed
        case let .ports(p, ranges): return p == proto && ranges.contains { $0.lower <= port && port <= $0.upper }
        default: return false
        }
    }
}
