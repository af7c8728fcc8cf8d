import FwctlNet

extension MatrixBuilder {
    /// Per family, for one pair or one host–network end: which families admit some, and every, packet.
    struct PairState {
        var some: UInt8 = 0
        var all: UInt8 = 0
        var values = IntervalSet<UInt16>()

        mutating func add(_ f: IPFamily, _ r: (some: Bool, all: Bool, values: IntervalSet<UInt16>)) {
            let bit: UInt8 = f == .v4 ? 1 : 2
            if r.some { some |= bit }
            if r.all { all |= bit }
            values.formUnion(r.values)
        }
    }

    /// The cells (source end × destination end) that one probe reaches.
    func cells(_ probeIndex: Int, hits: ProbeHits) -> [Int: CellState] {
        let probe = probes[probeIndex]
        let hostCount = model.hosts.count
        var pairs: [Int: PairState] = [:]
        var toNetwork: [[Int: PairState]] = Array(repeating: [:], count: networks.count)
        var fromNetwork: [[Int: PairState]] = Array(repeating: [:], count: networks.count)
        for (fi, f) in IPFamily.allCases.enumerated() where probe.families.contains(f) {
            let slots = self.slots[fi], wide = self.wide[fi]
            var outSides = [Optional<(any: Bitset, all: Bitset, peers: (any: IntervalSet<UInt128>, all: IntervalSet<UInt128>))>?](repeating: nil, count: hostCount)
            func outSide(_ a: Int) -> (any: Bitset, all: Bitset, peers: (any: IntervalSet<UInt128>, all: IntervalSet<UInt128>))? {
                if let cached = outSides[a] { return cached }
                var result: (any: Bitset, all: Bitset, peers: (any: IntervalSet<UInt128>, all: IntervalSet<UInt128>))? = nil
                if let s = side(model.hosts[a].outputIndex, probe, f) {
                    let anyBits = slots.bits(s.any).any, allBits = slots.bits(s.all).whole
                    result = (anyBits, allBits, s)
                }
                outSides[a] = .some(result)
                return result
            }
            for b in hits.input[fi][probeIndex] {
                guard let inSide = side(model.hosts[b].inputIndex, probe, f) else { continue }
                // Outside networks as sources: only b's input chain counts.
                for (n, net) in networks.enumerated() {
                    let addrs = f.wide(net)
                    guard addrs.intersects(inSide.any) else { continue }
                    let r = common(probe, f, input: model.hosts[b].inputIndex, inPeers: addrs, output: nil, outPeers: IntervalSet<UInt128>())
                    fromNetwork[n][b, default: PairState()].add(f, (r.some, inSide.all.isSuperset(of: addrs), r.values))
                }
                let inAll = slots.bits(inSide.all).whole
                var candidates = Bitset(count: hostCount)
                slots.forEach(meeting: inSide.any) { a, _ in candidates.insert(a) }
                candidates.forEach { a in
                    guard a != b, let out = outSide(a), out.any.contains(b) else { return }
                    let key = a * hostCount + b
                    if inAll.contains(a) && out.all.contains(b) {
                        pairs[key, default: PairState()].add(f, (true, true, probeValues(probe, f)))
                    } else {
                        pairs[key, default: PairState()].add(f, common(probe, f, input: model.hosts[b].inputIndex, inPeers: wide[a],
                                                                       output: model.hosts[a].outputIndex, outPeers: wide[b]))
                    }
                }
            }
            // Outside networks as destinations: only a's output chain counts.
            for a in hits.output[fi][probeIndex] where !networks.isEmpty {
                guard let out = outSide(a) else { continue }
                for (n, net) in networks.enumerated() {
                    let addrs = f.wide(net)
                    guard addrs.intersects(out.peers.any) else { continue }
                    let r = common(probe, f, input: nil, inPeers: IntervalSet<UInt128>(), output: model.hosts[a].outputIndex, outPeers: addrs)
                    toNetwork[n][a, default: PairState()].add(f, (r.some, out.peers.all.isSuperset(of: addrs), r.values))
                }
            }
        }
        return aggregate(probe, pairs: pairs, toNetwork: toNetwork, fromNetwork: fromNetwork)
    }

    private func probeValues(_ probe: ServiceProbe, _ f: IPFamily) -> IntervalSet<UInt16> {
        probe.protocols.reduce(into: IntervalSet()) { $0.formUnion(probe.values($1, f)) }
    }

    /// The families a probe can be admitted in between two address sets: both need addresses.
    private func familyMask(_ probe: ServiceProbe, _ x: AddressSet, _ y: AddressSet) -> UInt8 {
        var m: UInt8 = 0
        if probe.families.contains(.v4), !x.v4.isEmpty, !y.v4.isEmpty { m |= 1 }
        if probe.families.contains(.v6), !x.v6.isEmpty, !y.v6.isEmpty { m |= 2 }
        return m
    }

    private func aggregate(_ probe: ServiceProbe, pairs: [Int: PairState], toNetwork: [[Int: PairState]], fromNetwork: [[Int: PairState]]) -> [Int: CellState] {
        let hostCount = model.hosts.count, roleCount = roleHosts.count, e = ends.count
        var cells: [Int: CellState] = [:]
        func count(_ cell: Int, _ state: PairState, _ mask: UInt8) {
            guard state.some != 0 else { return }
            cells[cell, default: CellState()].admitted += 1
            if mask != 0 && state.all & mask == mask { cells[cell]!.full += 1 }
            cells[cell]!.values.formUnion(state.values)
        }
        for (key, state) in pairs {
            let (a, b) = (key / hostCount, key % hostCount)
            let mask = familyMask(probe, model.hosts[a].addresses, model.hosts[b].addresses)
            for r1 in hostRoles[a] { for r2 in hostRoles[b] { count(r1 * e + r2, state, mask) } }
        }
        for (n, hosts) in toNetwork.enumerated() {
            for (a, state) in hosts {
                let mask = familyMask(probe, model.hosts[a].addresses, networks[n])
                for r in hostRoles[a] { count(r * e + roleCount + n, state, mask) }
            }
        }
        for (n, hosts) in fromNetwork.enumerated() {
            for (b, state) in hosts {
                let mask = familyMask(probe, networks[n], model.hosts[b].addresses)
                for r in hostRoles[b] { count((roleCount + n) * e + r, state, mask) }
            }
        }
        return cells
    }
}
