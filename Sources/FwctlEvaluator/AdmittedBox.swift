import FwctlNet

/// A box of packets a chain admits: peer addresses × protocol(s) × ports (or ICMP types).
///
/// Boxes of one chain are disjoint, and together they are exactly what the chain admits.
public struct AdmittedBox: Hashable, Sendable, CustomStringConvertible {
    public var family: IPFamily
    public var peers: AddressSet
    /// One protocol, or every protocol no rule of the chain names.
    public var protocols: IntervalSet<UInt8>
    /// For tcp, udp and sctp: the admitted destination ports.
    public var ports: IntervalSet<UInt16>?
    /// For the family's ICMP: the admitted types.
    public var icmpTypes: IntervalSet<UInt8>?
    /// Admitted only up to a rate (a `limit` rule), or only above one.
    public var rateLimited: Bool

    public init(family: IPFamily, peers: AddressSet, protocols: IntervalSet<UInt8>, ports: IntervalSet<UInt16>? = nil, icmpTypes: IntervalSet<UInt8>? = nil, rateLimited: Bool = false) {
        self.family = family
        self.peers = peers
        self.protocols = protocols
        self.ports = ports
        self.icmpTypes = icmpTypes
        self.rateLimited = rateLimited
    }

    /// `ip 10.0.0.0/24 tcp 22,80`.
    public var description: String {
        var s = "\(family.nftKeyword) " + peers.ranges(family).map(\.description).joined(separator: ",") + " "
            + PacketClass.name(protocols)
        if let ports { s += " " + PacketClass.list(ports) }
        if let icmpTypes { s += " type " + PacketClass.list(icmpTypes) }
        return rateLimited ? s + " (rate-limited)" : s
    }

    /// Everything but the addresses: boxes of one shape merge.
    struct Shape: Hashable {
        var family: IPFamily
        var protocols: IntervalSet<UInt8>
        var ports: IntervalSet<UInt16>?
        var icmpTypes: IntervalSet<UInt8>?
        var rateLimited: Bool
    }

    var shape: Shape { Shape(family: family, protocols: protocols, ports: ports, icmpTypes: icmpTypes, rateLimited: rateLimited) }
}
