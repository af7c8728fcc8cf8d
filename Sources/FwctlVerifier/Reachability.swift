import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// Whether flows between fleet hosts (and outside networks) get through, by the hosts' chains.
///
/// A flow from host A to host B is admitted when A's output chain admits it (peer: an address
/// of B) and B's input chain admits it (peer: an address of A), in the same family. For a flow
/// to or from a network outside the fleet, only the fleet end's chain counts. Exact: the
/// input chain's verdict depends only on the source address and the output chain's only on
/// the destination (rules on the host's own address are `uncertain`, see `ChainAnalysis`),
/// so each side is one interval-set query.
public enum Reachability {
    /// One end of a flow.
    public enum End: Hashable, Sendable {
        case host(String)
        case network(String)
        case addresses(AddressSet)
    }

    /// Whether packets of `proto` (to `port` for tcp/udp/sctp, of `icmpType` for ICMP) from
    /// `from` reach `to`, with a packet and the rules that decide it. Traffic of a host to
    /// itself is loopback, always admitted; between two non-fleet ends nothing in the fleet
    /// filters it, so it is admitted with no verdicts. A named network stands for traffic
    /// leaving the fleet: the fleet's own addresses inside it are left out.
    public static func admits(_ model: FleetModel, from: End, to: End, proto: UInt8, port: UInt16? = nil, icmpType: UInt8? = nil) -> Admission {
        if case .host(let a) = from, case .host(let b) = to, a == b { return Admission(admitted: true) }
        let source = host(model, from), destination = host(model, to)
        let value = UInt16(hasPorts(proto) ? port ?? 0 : UInt16(icmpType ?? 0))
        var denial: Admission? = nil
        for f in IPFamily.allCases {
            let srcAddrs = f.wide(addresses(model, from)), dstAddrs = f.wide(addresses(model, to))
            guard let firstSrc = srcAddrs.lowest, let firstDst = dstAddrs.lowest else { continue }
            let values = Spans(value...value)
            let outOK = source.map { $0.outputIndex.peers(f, proto: proto, values: values, all: false).intersection(dstAddrs) } ?? dstAddrs
            let inOK = destination.map { $0.inputIndex.peers(f, proto: proto, values: values, all: false).intersection(srcAddrs) } ?? srcAddrs
            let s = inOK.lowest ?? firstSrc
            let d = outOK.lowest ?? firstDst
            let packet = Packet(family: f, source: f.address(s), destination: f.address(d), proto: proto,
                                port: hasPorts(proto) ? value : nil,
                                icmpType: proto == f.icmpProtocol ? UInt8(truncatingIfNeeded: value) : nil)
            let result = Admission(admitted: !outOK.isEmpty && !inOK.isEmpty, packet: packet,
                                   sourceVerdict: source?.output?.verdict(for: packet),
                                   destinationVerdict: destination?.input?.verdict(for: packet))
            if result.admitted { return result }
            denial = denial ?? result
        }
        // Only ends with no address in a common family get here without a denial.
        return denial ?? Admission(admitted: source == nil && destination == nil)
    }

    static func host(_ model: FleetModel, _ end: End) -> FleetModel.Host? {
        if case .host(let name) = end { return model.host(named: name) }
        return nil
    }

    static func addresses(_ model: FleetModel, _ end: End) -> AddressSet {
        switch end {
        case .host(let name): model.host(named: name)?.addresses ?? AddressSet()
        case .network(let name): (model.networks[name] ?? AddressSet()).subtracting(model.fleetAddresses)
        case .addresses(let set): set
        }
    }
}

/// The answer to one reachability question.
public struct Admission: Hashable, Sendable {
    /// At least some packets of the flow get through (rate-limited admission counts).
    public var admitted: Bool
    /// A packet of the flow: one that gets through when admitted, otherwise one that shows
    /// what stops it (an address the other side would admit, when there is one).
    public var packet: Packet?
    /// The source host's output chain on `packet` (nil: the source is not a fleet host or has no output chain).
    public var sourceVerdict: ChainVerdict?
    /// The destination host's input chain on `packet` (nil: not a fleet host, or no input chain).
    public var destinationVerdict: ChainVerdict?

    public init(admitted: Bool, packet: Packet? = nil, sourceVerdict: ChainVerdict? = nil, destinationVerdict: ChainVerdict? = nil) {
        self.admitted = admitted
        self.packet = packet
        self.sourceVerdict = sourceVerdict
        self.destinationVerdict = destinationVerdict
    }
}
