import Dispatch
import FwctlEvaluator
import FwctlNet

/// Computes what `PolicyFlows` holds — per (source end, destination end, protocol) the values
/// admitted between some pair — by groups of hosts instead of pair by pair.
///
/// What a pair (a, b) admits is `values of b's input entries meeting a's addresses` ∩ `values
/// of a's output entries meeting b's addresses` (entries: `AdmissionIndex`, per family and
/// protocol). It therefore depends only on a's and b's ruleset classes, role ends, and which
/// entries of the chains in play their addresses meet. Hosts alike in all of that form one
/// group (usually a role's hosts), and each pair of groups is intersected once. Exact: a
/// group is defined by everything the pair's result depends on, nothing is sampled.
struct FlowSweep {
    /// Role ends first (`hosts`: model indices), then network ends (`addresses`).
    struct End {
        var hosts: [Int]?
        var addresses: AddressSet
    }

    let model: FleetModel
    let ends: [End]
    /// For each protocol the one it is admitted exactly like (`PolicyTestRunner.sameAs`).
    let sameAs: [UInt8]
    /// `[family][host]`: the role ends a host belongs to (empty: not in any role, or no
    /// address of the family).
    let hostEnds: [[[Int]]]
    let wide: [[Spans<UInt128>]]
    let slots: [HostSlots]

    init(model: FleetModel, ends: [End], sameAs: [UInt8]) {
        self.model = model
        self.ends = ends
        self.sameAs = sameAs
        wide = IPFamily.allCases.map { f in model.hosts.map { f.wide($0.addresses) } }
        slots = wide.map { HostSlots(hosts: $0) }
        var members = [[Int]](repeating: [], count: model.hosts.count)
        for (e, end) in ends.enumerated() {
            for h in end.hosts ?? [] where members[h].last != e { members[h].append(e) }
        }
        hostEnds = wide.map { w in members.enumerated().map { h, m in w[h].isEmpty ? [] : m } }
    }

    /// Admitted values per cell (`source end × ends.count + destination end`) and
    /// representative protocol, over both families.
    func run() -> [Int: [UInt8: Spans<UInt16>]] {
        let reps = Set(sameAs).sorted()
        let tasks = IPFamily.allCases.indices.flatMap { fi in reps.map { (fi, $0) } }
        let results = UnsafeResults<[Int: Spans<UInt16>]>(count: tasks.count)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { t in
            results.set(t, sweep(tasks[t].0, tasks[t].1))
        }
        var out: [Int: [UInt8: Spans<UInt16>]] = [:]
        for (t, cells) in results.values().enumerated() {
            for (cell, values) in cells { out[cell, default: [:]][tasks[t].1, default: Spans()].formUnion(values) }
        }
        return out
    }

    /// Hosts alike for one family and protocol.
    private struct GroupKey: Hashable {
        var ends: [Int]
        var rulesetClass: Int
        /// Entries met, coded `(class << 21) | (entry << 1) | (0: input, 1: output)`.
        var met: [Int]
    }

    /// Hosts that may be alike, before their addresses are looked at.
    private struct Candidate: Hashable {
        var ends: [Int]
        var rulesetClass: Int
    }

    private static func code(_ c: Int, _ e: Int, output: Bool) -> Int { (c << 21) | (e << 1) | (output ? 1 : 0) }

    /// One family and one protocol: the admitted values of every cell that admits some.
    func sweep(_ fi: Int, _ proto: UInt8) -> [Int: Spans<UInt16>] {
        let f = IPFamily.allCases[fi], domain = Spans(ServiceProbe.domain(proto, f)), n = ends.count
        let hosts = hostEnds[fi].indices.filter { !hostEnds[fi][$0].isEmpty }
        // Each ruleset class's entries for the protocol, values cut to what it can carry.
        var classes: [Int: (input: [AdmissionIndex.Entry], output: [AdmissionIndex.Entry])] = [:]
        for h in hosts where classes[model.rulesetClass[h]] == nil {
            func entries(_ index: AdmissionIndex) -> [AdmissionIndex.Entry] {
                index.family(f).entries(proto).compactMap { e in
                    let v = e.values.intersection(domain)
                    return v.isEmpty ? nil : AdmissionIndex.Entry(peers: e.peers, values: v)
                }
            }
            classes[model.rulesetClass[h]] = (entries(model.hosts[h].inputIndex), entries(model.hosts[h].outputIndex))
        }
        // Every (class, entry) code with its peers.
        var codes: [(code: Int, peers: Spans<UInt128>)] = []
        for (c, sides) in classes {
            for (output, list) in [(false, sides.input), (true, sides.output)] {
                // Entries are at most one per address class: far below the code's 2^20.
                precondition(list.count < 1 << 20, "more admission entries than FlowSweep codes")
                for (e, entry) in list.enumerated() { codes.append((Self.code(c, e, output: output), entry.peers)) }
            }
        }
        // Hosts of the same ends and ruleset class are tried as one: when their addresses
        // together lie wholly inside or wholly outside each entry's peers, each of them meets
        // exactly the same entries. Only the hosts of a candidate that some entry splits are
        // looked at one by one (a stab of every host's address intervals).
        var candidates: [Candidate: [Int]] = [:], order: [Candidate] = []
        for h in hosts {
            let key = Candidate(ends: hostEnds[fi][h], rulesetClass: model.rulesetClass[h])
            if candidates[key] == nil { order.append(key) }
            candidates[key, default: []].append(h)
        }
        var uniform: [Candidate: [Int]] = [:]
        var split = [Bool](repeating: false, count: model.hosts.count)
        for key in order {
            let members = candidates[key]!
            let together = Spans<UInt128>(unsorted: members.flatMap { wide[fi][$0].ranges })
            var met: [Int]? = []
            for (code, peers) in codes {
                if peers.isSuperset(of: together) { met!.append(code) } else if peers.intersects(together) { met = nil; break }
            }
            if let met { uniform[key] = met.sorted() } else { for h in members { split[h] = true } }
        }
        var met = [[Int]](repeating: [], count: model.hosts.count)
        if uniform.count < order.count {
            for (k, peers) in codes {
                slots[fi].forEach(meeting: peers) { h, _ in
                    if split[h] && met[h].last != k { met[h].append(k) }
                }
            }
        }
        // Group the hosts; index groups by the input entries they meet.
        var groupOf: [GroupKey: Int] = [:]
        var keys: [GroupKey] = [], sizes: [Int] = []
        func add(_ key: GroupKey, _ count: Int) {
            if let g = groupOf[key] { sizes[g] += count; return }
            groupOf[key] = keys.count
            keys.append(key)
            sizes.append(count)
        }
        for key in order {
            if let m = uniform[key] {
                add(GroupKey(ends: key.ends, rulesetClass: key.rulesetClass, met: m), candidates[key]!.count)
                continue
            }
            for h in candidates[key]! {
                met[h].sort()
                add(GroupKey(ends: key.ends, rulesetClass: key.rulesetClass,
                             met: met[h].enumerated().filter { $0.offset == 0 || met[h][$0.offset - 1] != $0.element }.map(\.element)), 1)
            }
        }
        var meeting: [Int: [Int]] = [:]
        for (g, key) in keys.enumerated() { for k in key.met where k & 1 == 0 { meeting[k, default: []].append(g) } }

        var cells: [Int: Spans<UInt16>] = [:]
        for (g2, dst) in keys.enumerated() {
            let inputs = classes[dst.rulesetClass]!.input
            // What each source class's output admits toward this group, once per class.
            var outward: [Int: Spans<UInt16>] = [:]
            for (e, entry) in inputs.enumerated() {
                for g1 in meeting[Self.code(dst.rulesetClass, e, output: false)] ?? [] where g1 != g2 || sizes[g1] > 1 {
                    let c1 = keys[g1].rulesetClass
                    let allowed: Spans<UInt16>
                    if let known = outward[c1] { allowed = known } else {
                        var u = Spans<UInt16>()
                        let outputs = classes[c1]!.output
                        for k in dst.met where k & 1 == 1 && k >> 21 == c1 { u.formUnion(outputs[(k >> 1) & 0xFFFFF].values) }
                        outward[c1] = u
                        allowed = u
                    }
                    let v = entry.values.intersection(allowed)
                    guard !v.isEmpty else { continue }
                    for r1 in keys[g1].ends { for r2 in dst.ends { cells[r1 * n + r2, default: Spans()].formUnion(v) } }
                }
            }
        }
        // Networks: only the host end's chain filters.
        let byClass = Dictionary(grouping: hosts, by: { model.rulesetClass[$0] })
        for (net, end) in ends.enumerated() where end.hosts == nil {
            let peers = f.wide(end.addresses)
            guard !peers.isEmpty else { continue }
            for members in byClass.values {
                let h = model.hosts[members[0]], roles = Set(members.flatMap { hostEnds[fi][$0] })
                let toNet = h.outputIndex.values(f, proto: proto, peers: peers).intersection(domain)
                let fromNet = h.inputIndex.values(f, proto: proto, peers: peers).intersection(domain)
                for r in roles {
                    if !toNet.isEmpty { cells[r * n + net, default: Spans()].formUnion(toNet) }
                    if !fromNet.isEmpty { cells[net * n + r, default: Spans()].formUnion(fromNet) }
                }
            }
        }
        return cells
    }
}
