import Dispatch
import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

extension Reachability {
    /// The role × role (and role × network) × service matrix of a fleet's compiled rulesets.
    public static func matrix(fleet: Fleet, rulesets: [String: Ruleset]) -> ReachabilityMatrix {
        matrix(FleetModel(fleet: fleet, rulesets: rulesets), fleet: fleet)
    }

    /// Host × host (and host × network) × service: the matrix with every host an end of its own.
    public static func hostMatrix(_ model: FleetModel, fleet: Fleet) -> ReachabilityMatrix {
        var perHost = fleet
        perHost.roles = fleet.hosts.map { Role(name: $0.name, hosts: [$0.name], range: $0.range) }
        return MatrixBuilder(model: model, fleet: perHost).build()
    }

    /// The matrix over an already built model; `fleet` supplies roles, networks and services
    /// (named ones, then inline ones in flow order).
    public static func matrix(_ model: FleetModel, fleet: Fleet) -> ReachabilityMatrix {
        MatrixBuilder(model: model, fleet: fleet).build()
    }
}

/// Computes the matrix probe by probe (in parallel), driven by what each host's chains admit:
/// only hosts whose chains admit something of a probe are visited (`ProbeHits`), source hosts
/// are enumerated from the addresses a destination admits, and a pair that both chains admit
/// wholly is settled with two look-ups; only mixed pairs get exact per-port interval work.
/// A network end is its own addresses (`FleetModel.endAddresses`), as in `fwctl test`.
struct MatrixBuilder {
    let model: FleetModel
    let ends: [String]
    let roleHosts: [[Int]]
    /// `[group]`: the roles of a group's hosts.
    let hostRoles: [[Int]]
    let groups: HostGroups
    /// `[family][network]`: the addresses each network end stands for.
    let networks: [[Spans<UInt128>]]
    let services: [(name: String, probes: [Int])]
    let probes: [ServiceProbe]
    /// `[family][group]`: the addresses of the group's representative host.
    let wide: [[Spans<UInt128>]]
    /// `[family]`: every group's hosts' addresses, to find the groups an address set meets.
    let slots: [HostSlots]

    /// `groupAlike: false` counts every host on its own (the pair-by-pair reference for tests).
    init(model: FleetModel, fleet: Fleet, groupAlike: Bool = true) {
        self.model = model
        var roleHosts: [[Int]] = []
        var hostRoles = [[Int]](repeating: [], count: model.hosts.count)
        for (r, role) in fleet.roles.enumerated() {
            let members = role.hosts.compactMap { model.hostIndex[$0] }
            roleHosts.append(members)
            for h in members where !hostRoles[h].contains(r) { hostRoles[h].append(r) }
        }
        self.roleHosts = roleHosts
        ends = fleet.roles.map(\.name) + fleet.networks.map(\.name)
        let outside = fleet.networks.map { model.endAddresses(ofNetwork: $0.name) }
        networks = IPFamily.allCases.map { f in outside.map { f.wide($0) } }

        var probes: [ServiceProbe] = []
        var probeIndex: [ServiceProbe: Int] = [:]
        func index(_ p: ServiceProbe) -> Int {
            if let i = probeIndex[p] { return i }
            probeIndex[p] = probes.count
            probes.append(p)
            return probes.count - 1
        }
        var services: [(String, [Int])] = fleet.services.map { s in (s.name, s.atoms.map { index(ServiceProbe($0)) }) }
        var seen = Set(fleet.services.map(\.name))
        for flow in fleet.flows {
            for ref in flow.services where ref.isInline && seen.insert(ref.name).inserted {
                services.append((ref.name, ref.atoms.map { index(ServiceProbe($0)) }))
            }
        }
        self.services = services
        self.probes = probes
        let hostWide = IPFamily.allCases.map { f in model.hosts.map { f.wide($0.addresses) } }
        let groups = HostGroups(model: model, hostRoles: hostRoles, wide: hostWide, alike: groupAlike)
        self.groups = groups
        self.hostRoles = groups.reps.map { hostRoles[$0] }
        wide = hostWide.map { w in groups.reps.map { w[$0] } }
        slots = hostWide.map { w in
            var together = [[ClosedRange<UInt128>]](repeating: [], count: groups.reps.count)
            for (h, g) in groups.of.enumerated() { together[g] += w[h].ranges }
            return HostSlots(hosts: together.map { Spans(unsorted: $0) })
        }
    }

    func build() -> ReachabilityMatrix {
        let hits = ProbeHits(model: model, probes: probes)
        let results = UnsafeResults<[Int: CellState]>(count: probes.count)
        DispatchQueue.concurrentPerform(iterations: probes.count) { p in
            results.set(p, cells(p, hits: hits))
        }
        let perProbe = results.values()
        var entries: [(key: [Int], entry: ReachabilityMatrix.Entry)] = []
        for (s, service) in services.enumerated() {
            for (k, p) in service.probes.enumerated() {
                let probe = probes[p]
                for (cell, state) in perProbe[p] where state.admitted > 0 {
                    let (src, dst) = (cell / ends.count, cell % ends.count)
                    let total = pairCount(src, dst)
                    var values: IntervalSet<UInt16>? = nil
                    if probe.protocols.count == 1 {
                        var v = state.values
                        for (fi, f) in IPFamily.allCases.enumerated() where state.wholeFamilies & (1 << fi) != 0 {
                            v.formUnion(probe.spans(probe.protocols[0], f))
                        }
                        values = v.intervalSet
                    }
                    entries.append(([src, dst, s, k], ReachabilityMatrix.Entry(
                        source: ends[src], destination: ends[dst], service: service.name, probe: probe,
                        coverage: state.full == total ? .all : .partial, pairs: total,
                        admittedPairs: state.admitted, fullyAdmittedPairs: state.full, values: values)))
                }
            }
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return ReachabilityMatrix(ends: ends, entries: entries.map(\.entry))
    }

    /// Host pairs of a cell (hosts, when one end is a network).
    private func pairCount(_ src: Int, _ dst: Int) -> Int {
        let roleCount = roleHosts.count
        if src >= roleCount { return roleHosts[dst].count }
        if dst >= roleCount { return roleHosts[src].count }
        let a = roleHosts[src], b = Set(roleHosts[dst])
        return a.count * b.count - a.filter(b.contains).count
    }

    /// One cell of one probe while it is being counted.
    struct CellState {
        var admitted = 0
        var full = 0
        /// Values admitted by pairs that admit only part of the probe.
        var values = Spans<UInt16>()
        /// Families (bit 0: v4, bit 1: v6) in which some pair admits the whole probe.
        var wholeFamilies: UInt8 = 0
    }
}
