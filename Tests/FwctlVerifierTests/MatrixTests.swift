import FwctlNet
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlVerifier

/// The role matrix against hand-computed cells and against a brute-force one.
@Suite struct MatrixTests {
    static let matrix = Reachability.matrix(ReachabilityTests.model, fleet: TestFleet.fleet)

    @Test func handComputedCells() {
        let lines = Self.matrix.description.split(separator: "\n").map(String.init)
        // Networks stand for what is outside the fleet; ops lies inside internet, so what
        // internet may do, ops may too, and internet reaches ssh only through ops (`~`).
        #expect(lines == [
            "lb -> web : app tcp/8000-8100, tcp/9000-9100 ~tcp/9000-9100",
            "lb -> internet : ntp udp/123",
            "lb -> ops : ntp udp/123",
            "web -> db : pg ~tcp/5432",
            "web -> internet : ntp udp/123",
            "web -> ops : ntp udp/123",
            "db -> db : pg tcp/5432",
            "db -> internet : ntp udp/123",
            "db -> ops : ntp udp/123",
            "internet -> lb : https tcp/443, ssh ~tcp/22, ping icmp 8, ping icmpv6 128",
            "internet -> web : ssh ~tcp/22, ping icmp 8, ping ~icmpv6 128",
            "internet -> db : ssh ~tcp/22, ping icmp 8",
            "ops -> lb : https tcp/443, ssh tcp/22, ping icmp 8, ping icmpv6 128",
            "ops -> web : ssh tcp/22, ping icmp 8, ping ~icmpv6 128",
            "ops -> db : ssh tcp/22, ping icmp 8",
            "(~: admitted for only some hosts, ports or address families)",
        ])
        let pg = Self.matrix.entries(from: "web", to: "db")[0]
        #expect((pg.pairs, pg.admittedPairs, pg.fullyAdmittedPairs) == (4, 3, 3))
        let partial = Self.matrix.entries(from: "lb", to: "web")[1]
        #expect((partial.pairs, partial.admittedPairs, partial.fullyAdmittedPairs) == (4, 2, 2))
    }

    /// Every cell recomputed pair by pair, address by address and port by port with the naive
    /// interpreter on both chains.
    @Test func bruteForceMatrixAgrees() {
        let fleet = TestFleet.fleet, model = ReachabilityTests.model
        var expected: [String] = []
        var services: [(String, [ServiceAtom])] = fleet.services.map { ($0.name, $0.atoms) }
        for f in fleet.flows { for r in f.services where r.isInline { services.append((r.name, r.atoms)) } }
        let hostAddresses = fleet.hosts.reduce(into: AddressSet()) { $0.formUnion($1.addresses) }
        let ends: [(String, [FleetModel.Host]?, AddressSet?)] =
            fleet.roles.map { r in (r.name, r.hosts.map { model.host(named: $0)! }, nil) }
            + fleet.networks.map { ($0.name, nil, $0.addresses.subtracting(hostAddresses)) }
        for (src, srcHosts, srcNet) in ends {
            for (dst, dstHosts, dstNet) in ends where srcHosts != nil || dstHosts != nil {
                for (service, atoms) in services {
                    for atom in atoms {
                        let probe = ServiceProbe(atom)
                        var pairs = 0, some = 0, all = 0
                        for a in srcHosts.map({ $0.map(Optional.some) }) ?? [nil] {
                            for b in dstHosts.map({ $0.map(Optional.some) }) ?? [nil] where a == nil || b == nil || a!.name != b!.name {
                                pairs += 1
                                let (s, full) = Self.brute(probe, a, b, srcNet, dstNet)
                                if s { some += 1 }
                                if full { all += 1 }
                            }
                        }
                        if some > 0 { expected.append("\(src) \(dst) \(service) \(probe) \(pairs) \(some) \(all)") }
                    }
                }
            }
        }
        let got = Self.matrix.entries.map { "\($0.source) \($0.destination) \($0.service) \($0.probe) \($0.pairs) \($0.admittedPairs) \($0.fullyAdmittedPairs)" }
        #expect(got.sorted() == expected.sorted())
    }

    /// (some packet admitted, every packet admitted in every family both ends have).
    static func brute(_ probe: ServiceProbe, _ a: FleetModel.Host?, _ b: FleetModel.Host?, _ srcNet: AddressSet?, _ dstNet: AddressSet?) -> (Bool, Bool) {
        var some = false, all = true, families = 0
        for f in probe.families {
            let sources = (a?.addresses ?? srcNet!).ranges(f).flatMap { sample($0) }
            let destinations = (b?.addresses ?? dstNet!).ranges(f).flatMap { sample($0) }
            guard !sources.isEmpty, !destinations.isEmpty else { continue }
            families += 1
            for proto in probe.protocols {
                for v in probe.values(proto, f).intervals.flatMap({ Array($0) }) {
                    var pairsOK = 0
                    for s in sources {
                        for d in destinations {
                            let p = Packet(family: f, source: s, destination: d, proto: proto, port: hasPorts(proto) ? v : nil,
                                           icmpType: proto == f.icmpProtocol ? UInt8(v) : nil)
                            let out = a.map { NaiveEvaluator.verdict(for: p, chain: $0.output!.chain, in: $0.ruleset!.tables[0], peerField: .daddr).verdict.admits } ?? true
                            let inn = b.map { NaiveEvaluator.verdict(for: p, chain: $0.input!.chain, in: $0.ruleset!.tables[0], peerField: .saddr).verdict.admits } ?? true
                            if out && inn { pairsOK += 1 }
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

    /// Addresses of a range that stand for all of it: its ends, a middle one, and the edges of
    /// every network and host inside it (the only boundaries the compiled rules have).
    static func sample(_ r: AddressRange) -> [IPAddress] {
        var points: [IPAddress] = [r.lower, r.upper]
        switch (r.lower, r.upper) {
        case (.v4(let lo), .v4(let hi)): points.append(.v4(lo + (hi - lo) / 2))
        case (.v6(let lo), .v6(let hi)): points.append(.v6(lo + (hi - lo) / 2))
        default: break
        }
        var edges = TestFleet.fleet.networks.flatMap { $0.addresses.ranges(r.family) }
        edges += TestFleet.fleet.hosts.flatMap { $0.addresses.ranges(r.family) }
        for e in edges {
            for p in [e.lower, e.upper] where r.lower <= p && p <= r.upper { points.append(p) }
        }
        return Array(Set(points)).sorted()
    }
}
