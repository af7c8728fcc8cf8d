import FwctlEvaluator
import FwctlNet

extension MatrixBuilder {
    /// One side (input or output chain of a host) on one probe in one family.
    struct Side {
        /// Peers admitted for at least one packet of the probe.
        var any: Spans<UInt128>
        /// Peers admitted for every packet of the probe.
        var all: Spans<UInt128>
    }

    /// How one pair (or host and network) fares on a probe, family by family (bit 0: v4, 1: v6).
    struct PairState {
        var some: UInt8 = 0
        var all: UInt8 = 0
        var partial = Spans<UInt16>()
    }

    /// The probe's values per protocol in one family.
    typealias ProbeValues = [(proto: UInt8, values: Spans<UInt16>)]

    func side(_ index: AdmissionIndex, _ values: ProbeValues, _ f: IPFamily) -> Side? {
        var any = Spans<UInt128>(), all: Spans<UInt128>? = nil
        for (p, v) in values {
            let entries = index.family(f).entries(p)
            var anyP = Spans<UInt128>(), allP = Spans<UInt128>()
            for e in entries {
                if e.values.isSuperset(of: v) { allP.formUnion(e.peers); anyP.formUnion(e.peers) }
                else if e.values.intersects(v) { anyP.formUnion(e.peers) }
            }
            any.formUnion(anyP)
            all = all.map { $0.intersection(allP) } ?? allP
        }
        return any.isEmpty ? nil : Side(any: any, all: all ?? Spans())
    }

    /// Values of the probe admitted by both sides: `inPeers` through `input`, `outPeers` through `output`.
    func common(_ values: ProbeValues, _ f: IPFamily, input: AdmissionIndex?, inPeers: Spans<UInt128>,
                output: AdmissionIndex?, outPeers: Spans<UInt128>) -> (some: Bool, all: Bool, values: Spans<UInt16>) {
        var some = false, all = true, admitted = Spans<UInt16>()
        for (p, v) in values {
            var u = v
            if let input { u = u.intersection(input.values(f, proto: p, peers: inPeers)) }
            if let output { u = u.intersection(output.values(f, proto: p, peers: outPeers)) }
            if !u.isEmpty { some = true }
            if u != v { all = false }
            admitted.formUnion(u)
        }
        return (some, all, admitted)
    }

    /// Some address of `host` lies in `peers` (`whole`: one of its ranges lies wholly inside).
    func meets(_ peers: Spans<UInt128>, _ host: Spans<UInt128>, whole: Bool) -> Bool {
        if host.ranges.count == 1, host.ranges[0].lowerBound == host.ranges[0].upperBound {
            return peers.contains(host.ranges[0].lowerBound)
        }
        return whole ? host.ranges.contains { peers.isSuperset(of: Spans($0)) } : peers.intersects(host)
    }

    /// The cells (source end × destination end) that one probe reaches, host pairs counted
    /// by groups of alike hosts (`HostGroups`): a group's representative stands for it.
    func cells(_ probeIndex: Int, hits: ProbeHits) -> [Int: CellState] {
        let probe = probes[probeIndex]
        let hostCount = groups.reps.count, e = ends.count, roleCount = roleHosts.count
        var cells: [Int: CellState] = [:]
        let families = IPFamily.allCases.enumerated().filter { probe.families.contains($0.element) }
        let values: [ProbeValues] = IPFamily.allCases.map { f in probe.protocols.map { ($0, probe.spans($0, f)) } }
        var outCache: [[Side??]] = IPFamily.allCases.map { _ in [Side??](repeating: nil, count: hostCount) }
        func outSide(_ fi: Int, _ a: Int) -> Side? {
            if let cached = outCache[fi][a] { return cached }
            let s = side(model.hosts[groups.reps[a]].outputIndex, values[fi], IPFamily.allCases[fi])
            outCache[fi][a] = .some(s)
            return s
        }
        func count(_ cell: Int, _ state: PairState, _ mask: UInt8, pairs: Int) {
            guard state.some != 0 else { return }
            cells[cell, default: CellState()].admitted += pairs
            if mask != 0 && state.all & mask == mask { cells[cell]!.full += pairs }
            cells[cell]!.wholeFamilies |= state.all
            if !state.partial.isEmpty { cells[cell]!.values.formUnion(state.partial) }
        }

        // Destinations: each host whose input admits some of the probe, with its sources.
        var pair = [PairState](repeating: PairState(), count: hostCount)
        var touched: [Int] = []
        var isHit = families.map { _ in [Bool](repeating: false, count: hostCount) }
        var destinations: [Int] = []
        for (k, (fi, _)) in families.enumerated() {
            for h in hits.input[fi][probeIndex] { isHit[k][groups.of[h]] = true; destinations.append(groups.of[h]) }
        }
        for b in Set(destinations).sorted() {
            var fromNet = [PairState](repeating: PairState(), count: networks[0].count)
            let input = model.hosts[groups.reps[b]].inputIndex
            for (k, (fi, f)) in families.enumerated() where isHit[k][b] {
                guard let inSide = side(input, values[fi], f) else { continue }
                let bit: UInt8 = fi == 0 ? 1 : 2
                for (n, addrs) in networks[fi].enumerated() where addrs.intersects(inSide.any) {
                    let r = common(values[fi], f, input: input, inPeers: addrs, output: nil, outPeers: Spans())
                    if r.some { fromNet[n].some |= bit }
                    if inSide.all.isSuperset(of: addrs) { fromNet[n].all |= bit } else { fromNet[n].partial.formUnion(r.values) }
                }
                let slots = self.slots[fi], wide = self.wide[fi]
                slots.forEach(meeting: inSide.any) { a, _ in
                    guard groups.pairs(a, b) > 0, pair[a].some & bit == 0, let out = outSide(fi, a), meets(out.any, wide[b], whole: false) else { return }
                    if pair[a].some == 0 { touched.append(a) }
                    if meets(inSide.all, wide[a], whole: true) && meets(out.all, wide[b], whole: true) {
                        pair[a].some |= bit
                        pair[a].all |= bit
                    } else {
                        let r = common(values[fi], f, input: input, inPeers: wide[a],
                                       output: model.hosts[groups.reps[a]].outputIndex, outPeers: wide[b])
                        if r.some { pair[a].some |= bit } else if pair[a].some == 0 { touched.removeLast() }
                        if r.all { pair[a].all |= bit } else { pair[a].partial.formUnion(r.values) }
                    }
                }
            }
            for a in touched {
                let mask = familyMask(probe, a, b)
                for r1 in hostRoles[a] { for r2 in hostRoles[b] { count(r1 * e + r2, pair[a], mask, pairs: groups.pairs(a, b)) } }
                pair[a] = PairState()
            }
            touched.removeAll(keepingCapacity: true)
            for (n, state) in fromNet.enumerated() {
                let mask = networkMask(probe, n, b)
                for r in hostRoles[b] { count((roleCount + n) * e + r, state, mask, pairs: groups.sizes[b]) }
            }
        }

        // Outside networks as destinations: only the source host's output chain counts.
        if !networks[0].isEmpty {
            var sources: [Int] = []
            for (fi, _) in families { sources += hits.output[fi][probeIndex].map { groups.of[$0] } }
            for a in Set(sources).sorted() {
                var toNet = [PairState](repeating: PairState(), count: networks[0].count)
                for (fi, f) in families {
                    guard !wide[fi][a].isEmpty, let out = outSide(fi, a) else { continue }
                    let bit: UInt8 = fi == 0 ? 1 : 2
                    for (n, addrs) in networks[fi].enumerated() where addrs.intersects(out.any) {
                        let r = common(values[fi], f, input: nil, inPeers: Spans(), output: model.hosts[groups.reps[a]].outputIndex, outPeers: addrs)
                        if r.some { toNet[n].some |= bit }
                        if out.all.isSuperset(of: addrs) { toNet[n].all |= bit } else { toNet[n].partial.formUnion(r.values) }
                    }
                }
                for (n, state) in toNet.enumerated() {
                    let mask = networkMask(probe, n, a)
                    for r in hostRoles[a] { count(r * e + roleCount + n, state, mask, pairs: groups.sizes[a]) }
                }
            }
        }
        return cells
    }

    /// Families the probe can be admitted in between two hosts: both need addresses of it.
    private func familyMask(_ probe: ServiceProbe, _ a: Int, _ b: Int) -> UInt8 {
        var m: UInt8 = 0
        if probe.families.contains(.v4), !wide[0][a].isEmpty, !wide[0][b].isEmpty { m |= 1 }
        if probe.families.contains(.v6), !wide[1][a].isEmpty, !wide[1][b].isEmpty { m |= 2 }
        return m
    }

    private func networkMask(_ probe: ServiceProbe, _ n: Int, _ h: Int) -> UInt8 {
        var m: UInt8 = 0
        if probe.families.contains(.v4), !networks[0][n].isEmpty, !wide[0][h].isEmpty { m |= 1 }
        if probe.families.contains(.v6), !networks[1][n].isEmpty, !wide[1][h].isEmpty { m |= 2 }
        return m
    }
}
