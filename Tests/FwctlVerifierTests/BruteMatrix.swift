import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset
@testable import FwctlVerifier

/// The role matrix computed the slow way: every pair of hosts, sampled addresses, every port
/// of every probe, both chains run by `NaiveEvaluator`. For fleets with small port ranges.
enum BruteMatrix {
    /// `src dst service probe pairs admitted fullyAdmitted`.
    static func line(_ e: ReachabilityMatrix.Entry) -> String {
        "\(e.source) \(e.destination) \(e.service) \(e.probe) \(e.pairs) \(e.admittedPairs) \(e.fullyAdmittedPairs)"
    }

    static func lines(fleet: Fleet, model: FleetModel) -> [String] {
        var out: [String] = []
        var services: [(String, [ServiceAtom])] = fleet.services.map { ($0.name, $0.atoms) }
        var seen = Set(fleet.services.map(\.name))
        for f in fleet.flows { for r in f.services where r.isInline && seen.insert(r.name).inserted { services.append((r.name, r.atoms)) } }
        let hostAddresses = fleet.hosts.reduce(into: AddressSet()) { $0.formUnion($1.addresses) }
        var edges = fleet.networks.map(\.addresses) + fleet.hosts.map(\.addresses)
        for f in fleet.flows {
            for case .addresses(let set, _) in f.sources + f.destinations { edges.append(set) }
        }
        let ends: [(String, [FleetModel.Host?], AddressSet?)] =
            fleet.roles.map { r in (r.name, r.hosts.map { model.host(named: $0) }, nil) }
            + fleet.networks.map { ($0.name, [nil], ownAddresses($0, fleet.networks, hostAddresses)) }
        for (src, srcHosts, srcNet) in ends {
            for (dst, dstHosts, dstNet) in ends where srcNet == nil || dstNet == nil {
                for (service, atoms) in services {
                    for atom in atoms {
                        let probe = ServiceProbe(atom)
                        var pairs = 0, some = 0, all = 0
                        for a in srcHosts {
                            for b in dstHosts where a == nil || b == nil || a!.name != b!.name {
                                pairs += 1
                                let (s, full) = pair(probe, a, b, srcNet, dstNet, edges)
                                if s { some += 1 }
                                if full { all += 1 }
                            }
                        }
                        if some > 0 { out.append("\(src) \(dst) \(service) \(probe) \(pairs) \(some) \(all)") }
                    }
                }
            }
        }
        return out
    }

    /// A network end: its addresses outside the fleet and outside every smaller named network
    /// inside it; when nothing is left, all of it outside the fleet.
    static func ownAddresses(_ n: Network, _ all: [Network], _ hostAddresses: AddressSet) -> AddressSet {
        let outside = n.addresses.subtracting(hostAddresses)
        let own = all.filter { $0.name != n.name && !$0.addresses.isEmpty && n.addresses.isSuperset(of: $0.addresses) && $0.addresses != n.addresses }
            .reduce(outside) { $0.subtracting($1.addresses) }
        return own.isEmpty ? outside : own
    }

    /// (some packet admitted, every packet admitted in every family both ends have).
    static func pair(_ probe: ServiceProbe, _ a: FleetModel.Host?, _ b: FleetModel.Host?, _ srcNet: AddressSet?, _ dstNet: AddressSet?,
                     _ edges: [AddressSet]) -> (Bool, Bool) {
        var some = false, all = true, families = 0
        for f in probe.families {
            let sources = (a?.addresses ?? srcNet!).ranges(f).flatMap { sample($0, edges) }
            let destinations = (b?.addresses ?? dstNet!).ranges(f).flatMap { sample($0, edges) }
            guard !sources.isEmpty, !destinations.isEmpty else { continue }
            families += 1
            for proto in probe.protocols {
                for v in probe.values(proto, f).intervals.flatMap({ Array($0) }) {
                    var pairsOK = 0
                    for s in sources {
                        for d in destinations {
                            let p = Packet(family: f, source: s, destination: d, proto: proto, port: hasPorts(proto) ? v : nil,
                                           icmpType: proto == f.icmpProtocol ? UInt8(v) : nil)
                            if admits(a?.output, p, .daddr, a) && admits(b?.input, p, .saddr, b) { pairsOK += 1 }
                        }
                    }
                    if pairsOK > 0 { some = true }
                    // Networks: every address must be admitted; hosts: one address pair suffices.
                    let needed = (srcNet != nil || dstNet != nil) ? sources.count * destinations.count : 1
                    if pairsOK < needed { all = false }
                }
            }
        }
        return (some, all && families > 0 && some)
    }

    static func admits(_ chain: ChainAnalysis?, _ p: Packet, _ field: AddressField, _ host: FleetModel.Host?) -> Bool {
        guard let chain, let table = host?.ruleset?.tables.first else { return true }
        return NaiveEvaluator.verdict(for: p, chain: chain.chain, in: table, peerField: field).verdict.admits
    }

    /// Addresses of a range that stand for all of it: its ends, a middle one, and both sides of
    /// every edge of every network, host and literal address inside it (the only boundaries
    /// compiled rules have), so every piece between boundaries has a point.
    static func sample(_ r: AddressRange, _ edges: [AddressSet]) -> [IPAddress] {
        var points: [IPAddress] = [r.lower, r.upper]
        switch (r.lower, r.upper) {
        case (.v4(let lo), .v4(let hi)): points.append(.v4(lo + (hi - lo) / 2))
        case (.v6(let lo), .v6(let hi)): points.append(.v6(lo + (hi - lo) / 2))
        default: break
        }
        func step(_ a: IPAddress, _ d: Int) -> IPAddress? {
            switch a {
            case .v4(let v): let (x, o) = d > 0 ? v.addingReportingOverflow(1) : v.subtractingReportingOverflow(1); return o ? nil : .v4(x)
            case .v6(let v): let (x, o) = d > 0 ? v.addingReportingOverflow(1) : v.subtractingReportingOverflow(1); return o ? nil : .v6(x)
            }
        }
        for e in edges.flatMap({ $0.ranges(r.family) }) {
            for p in [e.lower, e.upper, step(e.lower, -1), step(e.upper, 1)].compactMap({ $0 }) where r.lower <= p && p <= r.upper {
                points.append(p)
            }
        }
        return Array(Set(points)).sorted()
    }
}
