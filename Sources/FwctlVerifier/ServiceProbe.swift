import FwctlEvaluator
import FwctlNet
import FwctlPolicy

/// One thing a service admits, as the verifier asks about it: protocols, the values (ports or
/// ICMP types) of each, and the families it applies to.
public struct ServiceProbe: Hashable, Sendable, CustomStringConvertible {
    public var protocols: [UInt8]
    /// Ports (tcp/udp/sctp) or types (ICMP); nil: every value of each protocol.
    public var values: IntervalSet<UInt16>?
    public var families: [IPFamily]
    /// As written in a policy: `tcp/8000-8100`, `icmp echo-request`, `proto vrrp`, `any`.
    public var description: String

    public init(protocols: [UInt8], values: IntervalSet<UInt16>?, families: [IPFamily], description: String) {
        self.protocols = protocols
        self.values = values
        self.families = families
        self.description = description
    }

    /// `tcp/443`: one protocol and port.
    public static func port(_ proto: PortProtocol, _ port: UInt16) -> ServiceProbe {
        ServiceProbe(protocols: [proto.number], values: IntervalSet([port...port]), families: IPFamily.allCases, description: "\(proto.rawValue)/\(port)")
    }

    /// The probes a service atom stands for, with the compiler's meaning: an ICMP protocol
    /// number written as `proto` applies to its own family only.
    public init(_ atom: ServiceAtom) {
        switch atom {
        case .ports(let proto, let ranges):
            self.init(protocols: [proto.number], values: IntervalSet(ranges.map(\.closedRange)), families: IPFamily.allCases,
                      description: "\(proto.rawValue)/" + ranges.map(\.description).joined(separator: ","))
        case .proto(let n):
            let families: [IPFamily] = n == 1 ? [.v4] : n == 58 ? [.v6] : IPFamily.allCases
            self.init(protocols: [n], values: nil, families: families, description: "proto " + (IPProtocolNames.names[n] ?? "\(n)"))
        case .icmp(let types):
            self.init(protocols: [1], values: types.map { IntervalSet($0.map { UInt16($0)...UInt16($0) }) }, families: [.v4],
                      description: "icmp" + (types.map { " " + $0.map(String.init).joined(separator: ",") } ?? ""))
        case .icmpv6(let types):
            self.init(protocols: [58], values: types.map { IntervalSet($0.map { UInt16($0)...UInt16($0) }) }, families: [.v6],
                      description: "icmpv6" + (types.map { " " + $0.map(String.init).joined(separator: ",") } ?? ""))
        case .any:
            self.init(protocols: Array(0...255), values: nil, families: IPFamily.allCases, description: "any")
        }
    }

    /// Every value a protocol's packets can carry, in the family: ports, types, or just 0.
    static func domain(_ proto: UInt8, _ family: IPFamily) -> IntervalSet<UInt16> {
        if hasPorts(proto) { return .full }
        if proto == family.icmpProtocol { return IntervalSet([0...255]) }
        return IntervalSet([0...0])
    }

    /// The probe's values of one protocol, within what the protocol can carry.
    func values(_ proto: UInt8, _ family: IPFamily) -> IntervalSet<UInt16> {
        let domain = Self.domain(proto, family)
        return values.map { $0.intersection(domain) } ?? domain
    }

    func spans(_ proto: UInt8, _ family: IPFamily) -> Spans<UInt16> {
        let domain: Spans<UInt16> = hasPorts(proto) ? .full : Spans(0...(proto == family.icmpProtocol ? 255 : 0))
        return values.map { Spans($0).intersection(domain) } ?? domain
    }
}
