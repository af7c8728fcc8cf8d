import FwctlNet
import FwctlPolicy

extension LabPlan {
    /// With `defaults { forward = policy }`, each host runs a container: a namespace of its
    /// own behind the host, on a link only the two share, to which the host's DNAT sends the
    /// ports it publishes (as `docker run -p 8080:8080` does). Those probes meet the host's
    /// forward chain; the host's other ports are still its own, served behind its input chain.
    public struct Container: Hashable, Sendable {
        /// The host that publishes the container's ports.
        public var host: String
        /// The host's end and the container's end of their link, per family.
        public var gateway4: IPAddress?
        public var v4: IPAddress?
        public var gateway6: IPAddress?
        public var v6: IPAddress?
        /// The ports published: the probed TCP and UDP ports from 1024 up (what containers
        /// usually publish); the privileged ones stay the host's, so both chains are probed.
        public var ports: [Port]
        public var addresses: [IPAddress] { [v4, v6].compactMap { $0 } }
    }

    /// Link prefixes tried in turn: the first that holds no address of any end is used (the
    /// link is private to one host and its container, so every host uses the same one).
    static let containerLinks4: [UInt32] = [0x647f_ff00, 0xc612_ff00, 0x0aff_ff00]   // 100.127.255.0/30, 198.18.255.0/30, 10.255.255.0/30
    static let containerLinks6: [UInt128] = [0xfd00_00fc << 96, 0xfd00_00fd << 96]    // fd00:fc::/64, fd00:fd::/64

    static func containers(_ fleet: Fleet, ends: [End], ports: [Port]) -> [Container] {
        guard fleet.defaults.forward == .policy else { return [] }
        let published = ports.filter { $0.port >= 1024 && $0.proto != .sctp }
        guard !published.isEmpty else { return [] }
        let used = ends.flatMap(\.addresses)
        let link4 = containerLinks4.first { base in !used.contains { if case .v4(let a) = $0 { a & ~3 == base } else { false } } }
        let link6 = containerLinks6.first { base in !used.contains { if case .v6(let a) = $0 { a >> 64 == base >> 64 } else { false } } }
        return ends.filter { $0.kind == .host }.compactMap { end in
            let four = end.v4 != nil ? link4 : nil, six = end.v6 != nil ? link6 : nil
            guard four != nil || six != nil else { return nil }
            return Container(host: end.name, gateway4: four.map { .v4($0 + 1) }, v4: four.map { .v4($0 + 2) },
                             gateway6: six.map { .v6($0 + 1) }, v6: six.map { .v6($0 + 2) }, ports: published)
        }
    }

    /// Whether a probe of `port` to `host` (not from itself) goes to the host's container.
    public func isPublished(_ port: Port, on host: String) -> Bool {
        containers.contains { $0.host == host && $0.ports.contains(port) }
    }
}
