import FwctlEvaluator
import FwctlNet

/// Which flows the fleet's rulesets admit, role × role (and role × network) × service.
///
/// One entry per (source end, destination end, service, probe of the service) that admits at
/// least one packet between at least one pair of hosts. Ends are roles and outside networks; a
/// role's pairs are all (source host, destination host) pairs, a host and itself excluded.
public struct ReachabilityMatrix: Hashable, Sendable, CustomStringConvertible {
    public enum Coverage: String, Hashable, Sendable {
        /// Every pair admits every port (type) of the probe, over every family both ends have.
        case all
        /// Only some pairs, some ports, or some families: written `~`.
        case partial
    }

    public struct Entry: Hashable, Sendable {
        /// Role or network names.
        public var source: String
        public var destination: String
        /// The service's name (an inline service's text, `tcp/5432`).
        public var service: String
        public var probe: ServiceProbe
        public var coverage: Coverage
        /// Host pairs the cell stands for (hosts, when one end is a network).
        public var pairs: Int
        /// Pairs that admit at least one packet of the probe.
        public var admittedPairs: Int
        /// Pairs that admit every packet of the probe.
        public var fullyAdmittedPairs: Int
        /// Ports (or types) admitted for at least one pair; nil for multi-protocol probes (`any`).
        public var values: IntervalSet<UInt16>?

        /// `tcp/443`, `~tcp/22`, `~tcp/8000-8050`.
        public var admits: String {
            var text = probe.description
            if let values, values != probe.values, probe.protocols.count == 1, hasPorts(probe.protocols[0]) {
                text = (IPProtocolNames.names[probe.protocols[0]] ?? "proto \(probe.protocols[0])") + "/" + PacketClass.list(values)
            }
            return coverage == .all ? text : "~" + text
        }
    }

    /// Roles, then networks, in the policy's order.
    public var ends: [String]
    public var entries: [Entry]

    public init(ends: [String], entries: [Entry]) {
        self.ends = ends
        self.entries = entries
    }

    /// The entries of one cell.
    public func entries(from source: String, to destination: String) -> [Entry] {
        entries.filter { $0.source == source && $0.destination == destination }
    }

    /// One line per cell: `lb -> web : https tcp/443, ssh ~tcp/22`; `~` marks partial admission.
    public var description: String {
        var lines: [String] = []
        var order: [String] = []
        var cells: [String: [Entry]] = [:]
        for e in entries {
            let key = "\(e.source) -> \(e.destination)"
            if cells[key] == nil { order.append(key) }
            cells[key, default: []].append(e)
        }
        for key in order {
            lines.append(key + " : " + cells[key]!.map { "\($0.service) \($0.admits)" }.joined(separator: ", "))
        }
        if entries.contains(where: { $0.coverage == .partial }) {
            lines.append("(~: admitted for only some hosts, ports or address families)")
        }
        return lines.joined(separator: "\n")
    }
}
