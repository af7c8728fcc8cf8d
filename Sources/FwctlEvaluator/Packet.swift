import FwctlNet
import FwctlRuleset

/// A concrete NEW packet as one host's chain sees it.
///
/// `port` is the destination port for tcp, udp and sctp (nil for other protocols);
/// `icmpType` the type for ICMP (protocol 1 over IPv4) and ICMPv6 (58 over IPv6).
public struct Packet: Hashable, Sendable, CustomStringConvertible {
    public var family: IPFamily
    public var source: IPAddress
    public var destination: IPAddress
    public var proto: UInt8
    public var port: UInt16?
    public var icmpType: UInt8?

    public init(family: IPFamily, source: IPAddress, destination: IPAddress, proto: UInt8, port: UInt16? = nil, icmpType: UInt8? = nil) {
        precondition(source.family == family && destination.family == family, "packet addresses must be of its family")
        self.family = family
        self.source = source
        self.destination = destination
        self.proto = proto
        self.port = port
        self.icmpType = icmpType
    }

    /// The address a chain filters on: the source of what comes in, the destination of what goes out.
    public func address(_ field: AddressField) -> IPAddress {
        field == .saddr ? source : destination
    }

    /// `10.0.0.1 -> 10.0.1.5 tcp/443`, `2001:db8::1 -> 2001:db8::2 icmpv6 type 128`.
    public var description: String {
        let name = IPProtocolNames.names[proto] ?? "proto \(proto)"
        var s = "\(source) -> \(destination) \(name)"
        if let port { s += "/\(port)" }
        if let icmpType { s += " type \(icmpType)" }
        return s
    }
}

extension IPFamily {
    /// The protocol number whose type field `icmp type` / `icmpv6 type` matches in this family.
    @inlinable package var icmpProtocol: UInt8 { self == .v4 ? 1 : 58 }
    /// The highest address of the family, as the verifier's common integer type.
    @inlinable package var maxAddress: UInt128 { self == .v4 ? UInt128(UInt32.max) : UInt128.max }
    /// The unspecified address, used as the non-peer end of example packets.
    @inlinable package var unspecified: IPAddress { self == .v4 ? .v4(0) : .v6(0) }

    @inlinable package func address(_ value: UInt128) -> IPAddress {
        self == .v4 ? .v4(UInt32(truncatingIfNeeded: value)) : .v6(value)
    }
}

extension IPAddress {
    /// The address as the verifier's common integer type (IPv4 in the low 32 bits).
    @inlinable package var wide: UInt128 {
        switch self {
        case .v4(let v): UInt128(v)
        case .v6(let v): v
        }
    }
}

/// Whether a protocol carries destination ports the rules can match.
@inlinable package func hasPorts(_ proto: UInt8) -> Bool { proto == 6 || proto == 17 || proto == 132 }
