import Dispatch
import FwctlNet
import FwctlPolicy
import FwctlRuleset

extension Reachability {
    /// The role × role (and role × network) × service matrix of a fleet's compiled rulesets.
    public static func matrix(fleet: Fleet, rulesets: [String: Ruleset]) -> ReachabilityMatrix {
        matrix(FleetModel(fleet: fleet, rulesets: rulesets), fleet: fleet)
    }

    /// The matrix over an already built model; `fleet` supplies roles, networks and services.
    public static func matrix(_ model: FleetModel, fleet: Fleet) -> ReachabilityMatrix {
        MatrixBuilder(model: model, fleet: fleet).build()
    }
}

/// Network ends exclude the fleet's own addresses.
/// Computes the matrix probe by probe (in parallel), driven by what each host's chains admit:
/// hosts whose chains admit nothing of a probe cost one quick check, pairs are enumerated only
/// from the sources a destination admits, and pairs that admit a probe wholly on both sides
/// are decided with two bit tests. Only mixed pairs get exact per-port interval work.
struct MatrixBuilder {
    let model: FleetModel
    let ends: [String]
    let roleHosts: [[Int]]
    let hostRoles: [[Int]]
    let networks: [AddressSet]
    let services: [(name: String, probes: [Int])]
    let probes: [ServiceProbe]
    let wide: [[IntervalSet<UInt128>]]
    let slots: [HostSlots]

    init(model: FleetModel, fleet: Fleet) {
        self.model = model
        var roleHosts: [[Int]] = []
        var hostRoles = [[Int]](repeating: [], count: model.hosts.count)
        for (r, role) in fleet.roles.enumerated() {
            let members = role.hosts.compactMap { model.hostIndex[$0] }
            roleHosts.append(members)
            for h in members where !hostRoles[h].contains(r) { hostRoles[h].append(r) }
        }
        self.roleHosts = roleHosts
        self.hostRoles = hostRoles
        ends = fleet.roles.map(\.name) + fleet.networks.map(\.name)
        // A network end stands for traffic leaving the fleet: fleet hosts inside it (an
        // `internet` of 0.0.0.0/0) are reached as hosts, not as the network.
        networks = fleet.networks.map { $0.addresses.subtracting(model.fleetAddresses) }

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
        wide = IPFamily.allCases.map { f in model.hosts.map { f.wide($0.addresses) } }
        slots = IPFamily.allCases.map { f in HostSlots(family: f, hosts: model.hosts.map { f.wide($0.addresses) }) }
    }

    func build() -> ReachabilityMatrix {
        let hits = ProbeHits(model: model, probes: probes)
        let results = UnsafeResults<[Int: CellState]>(count: probes.count)
        DispatchQueue.concurrentPerform(iterations: probes.count) { p in
            results.set(p, cells(p, hits: hits))
        }
        let perProbe = results.values()
        var entries: [(key: [Int], entry: ReachabilityMatrix.Entry)] = []
        let roleCount = roleHosts.count
        for (s, service) in services.enumerated() {
            for (k, p) in service.probes.enumerated() {
                for (cell, state) in perProbe[p] where state.admitted > 0 {
                    let (src, dst) = (cell / ends.count, cell % ends.count)
                    let total = pairCount(src, dst, roleCount)
                    entries.append(([src, dst, s, k], ReachabilityMatrix.Entry(
                        source: ends[src], destination: ends[dst], service: service.name, probe: probes[p],
                        coverage: state.full == total ? .all : .partial, pairs: total,
                        admittedPairs: state.admitted, fullyAdmittedPairs: state.full,
                        values: probes[p].protocols.count == 1 ? state.values : nil)))
                }
            }
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return ReachabilityMatrix(ends: ends, entries: entries.map(\.entry))
    }

    /// Host pairs of a cell (hosts, when one end is a network).
    private func pairCount(_ src: Int, _ dst: Int, _ roleCount: Int) -> Int {
        if src >= roleCount { return roleHosts[dst].count }
        if dst >= roleCount { return roleHosts[src].count }
        let a = roleHosts[src], b = Set(roleHosts[dst])
        return a.count * b.count - a.filter(b.contains).count
    }

    struct CellState {
        var admitted = 0
        var full = 0
        var values = IntervalSet<UInt16>()
    }

    /// What one side admits of a probe in one family: peers admitted for some value of it, and
    /// for every value of every protocol of it.
    func side(_ index: AdmissionIndex, _ probe: ServiceProbe, _ f: IPFamily) -> (any: IntervalSet<UInt128>, all: IntervalSet<UInt128>)? {
        var any = IntervalSet<UInt128>(), all: IntervalSet<UInt128>? = nil
        for p in probe.protocols {
            let v = probe.values(p, f)
            let entries = index.family(f).entries(p)
            guard entries.contains(where: { $0.values.intersects(v) }) else { all = IntervalSet(); continue }
            any.formUnion(index.peers(f, proto: p, values: v, all: false))
            let whole = index.peers(f, proto: p, values: v, all: true)
            all = all.map { $0.intersection(whole) } ?? whole
        }
        return any.isEmpty ? nil : (any, all ?? IntervalSet())
    }

    /// Values of the probe admitted by both sides: `inPeers` through `input`, `outPeers` through `output`.
    func common(_ probe: ServiceProbe, _ f: IPFamily, input: AdmissionIndex?, inPeers: IntervalSet<UInt128>,
                        output: AdmissionIndex?, outPeers: IntervalSet<UInt128>) -> (some: Bool, all: Bool, values: IntervalSet<UInt16>) {
        var some = false, all = true, values = IntervalSet<UInt16>()
        for p in probe.protocols {
            let v = probe.values(p, f)
            var u = v
            if let input { u = u.intersection(input.values(f, proto: p, peers: inPeers)) }
            if let output { u = u.intersection(output.values(f, proto: p, peers: outPeers)) }
            if !u.isEmpty { some = true }
            if u != v { all = false }
            values.formUnion(u)
        }
        return (some, all, values)
    }
}
