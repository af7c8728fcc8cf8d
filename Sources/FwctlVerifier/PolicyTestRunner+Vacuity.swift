import FwctlEvaluator
import FwctlNet
import FwctlPolicy

extension PolicyTestRunner {
    /// Why the ends can never exchange a packet, if they cannot: one side has no address (an
    /// empty role), or the two sides have no address family in common.
    func vacuity(_ e: Expectation, _ sources: [Reachability.End], _ destinations: [Reachability.End]) -> String? {
        let src = families(sources), dst = families(destinations)
        if src.isEmpty || dst.isEmpty {
            let side = src.isEmpty ? e.sources : e.destinations
            // A network in a test stands for its addresses outside the fleet (`FleetModel.endAddresses`).
            let networks = side.allSatisfy { if case .network = $0 { true } else { false } }
            return "\(Self.list(side)) \(side.count == 1 ? "has" : "have") no addresses" + (networks ? " outside the fleet's hosts" : "")
        }
        guard !src.contains(where: dst.contains) else { return nil }
        return "no common address family: \(Self.list(e.sources)) \(e.sources.count == 1 ? "has" : "have") \(Self.describe(src)), \(Self.list(e.destinations)) \(Self.describe(dst))"
    }

    private func families(_ ends: [Reachability.End]) -> [IPFamily] {
        IPFamily.allCases.filter { f in ends.contains { !f.wide(Reachability.addresses(model, $0)).isEmpty } }
    }

    private static func describe(_ families: [IPFamily]) -> String {
        families.count == 2 ? "IPv4 and IPv6 addresses" : families == [.v4] ? "only IPv4 addresses" : "only IPv6 addresses"
    }

    /// `'a'`, `'a', 'b'`.
    static func list(_ ends: [Endpoint]) -> String {
        ends.map { "'\($0.description)'" }.joined(separator: ", ")
    }

    /// A `deny` between a host and itself: the packet goes over loopback, which the table
    /// admits before any policy rule (`iif "lo" accept`, `oif "lo" accept`).
    func loopbackFailure(_ end: Reachability.End, _ probes: [ServiceProbe]) -> ExpectationFailure? {
        let addresses = Reachability.addresses(model, end)
        for f in IPFamily.allCases {
            guard let a = f.wide(addresses).lowest else { continue }
            for p in probes where p.families.contains(f) {
                // `any` shows as tcp, the protocol people try first.
                let proto = p.protocols.contains(6) ? 6 : p.protocols[0]
                guard let v = p.spans(proto, f).lowest else { continue }
                let packet = Packet(family: f, source: f.address(a), destination: f.address(a), proto: proto,
                                    port: hasPorts(proto) ? v : nil, icmpType: proto == f.icmpProtocol ? UInt8(truncatingIfNeeded: v) : nil)
                return ExpectationFailure(reason: "admitted over loopback (a host's traffic to its own address)", packet: packet, ends: [])
            }
        }
        return nil
    }
}
