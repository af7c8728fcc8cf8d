import FwctlNet
import FwctlRuleset

/// A class of NEW packets that every rule of an evaluated chain treats alike: a family, a set
/// of peer addresses, one protocol (or the set of protocols no rule names), and the ports or
/// ICMP types taken together.
public struct PacketClass: Hashable, Sendable, CustomStringConvertible {
    public var family: IPFamily
    /// Which address `peers` constrains: `saddr` for input chains, `daddr` for output chains.
    public var peerField: AddressField
    /// Peer addresses (of `family` only).
    public var peers: AddressSet
    /// One protocol, or every protocol that no rule of the chain names.
    public var protocols: IntervalSet<UInt8>
    /// Destination ports, for tcp, udp and sctp.
    public var ports: IntervalSet<UInt16>?
    /// ICMP (IPv4) or ICMPv6 types, for the family's ICMP.
    public var icmpTypes: IntervalSet<UInt8>?

    public init(family: IPFamily, peerField: AddressField, peers: AddressSet, protocols: IntervalSet<UInt8>, ports: IntervalSet<UInt16>? = nil, icmpTypes: IntervalSet<UInt8>? = nil) {
        self.family = family
        self.peerField = peerField
        self.peers = peers
        self.protocols = protocols
        self.ports = ports
        self.icmpTypes = icmpTypes
    }

    /// A concrete packet of the class: its lowest peer address, protocol, port and type.
    /// `local` is the other end (the host's own address); the unspecified address by default.
    public func example(local: IPAddress? = nil) -> Packet {
        let peer = peers.ranges(family).first?.lower ?? family.unspecified
        let other = local.flatMap { $0.family == family ? $0 : nil } ?? family.unspecified
        let (source, destination) = peerField == .saddr ? (peer, other) : (other, peer)
        return Packet(family: family, source: source, destination: destination,
                      proto: protocols.intervals.first?.lowerBound ?? 0,
                      port: ports?.intervals.first?.lowerBound, icmpType: icmpTypes?.intervals.first?.lowerBound)
    }

    /// `ip saddr 10.0.0.0/24 tcp dport 22,80-90`.
    public var description: String {
        let field = "\(family.nftKeyword) \(peerField.rawValue) " + peers.ranges(family).map(\.description).joined(separator: ",")
        var s = "\(field) \(Self.name(protocols))"
        if let ports { s += " dport " + Self.list(ports) }
        if let icmpTypes { s += " type " + Self.list(icmpTypes) }
        return s
    }

    /// `tcp`, `proto 253`, or `other protocols` (the protocols no rule names).
    static func name(_ protocols: IntervalSet<UInt8>) -> String {
        guard protocols.intervals.count == 1, protocols.intervals[0].count == 1 else { return "other protocols" }
        let p = protocols.intervals[0].lowerBound
        return IPProtocolNames.names[p] ?? "proto \(p)"
    }

    package static func list<V>(_ set: IntervalSet<V>) -> String {
        set.intervals.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}
