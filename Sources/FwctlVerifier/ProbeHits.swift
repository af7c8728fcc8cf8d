import FwctlEvaluator
import FwctlNet

/// For every probe and family, the hosts whose input (output) chain admits at least one packet
/// of it, found from each host's admitted values rather than by asking every host about every
/// probe: a fleet with a thousand single-port services touches each host for a few of them.
struct ProbeHits {
    /// `[family][probe]`: hosts (with addresses of the family) whose input chain admits some of it.
    var input: [[[Int]]]
    var output: [[[Int]]]

    init(model: FleetModel, probes: [ServiceProbe]) {
        input = []
        output = []
        for f in IPFamily.allCases {
            let values = ValueIndex.perProtocol(probes, f)
            var ins = [[Int]](repeating: [], count: probes.count)
            var outs = [[Int]](repeating: [], count: probes.count)
            var seen = [Int](repeating: -1, count: probes.count)
            for (h, host) in model.hosts.enumerated() where !host.addresses.isEmpty(f) {
                for (inbound, index) in [(true, host.inputIndex), (false, host.outputIndex)] {
                    let fi = index.family(f)
                    var unnamed: Spans<UInt16>? = nil
                    let mark = h * 2 + (inbound ? 0 : 1)
                    for (proto, probeValues) in values {
                        let admitted: Spans<UInt16>
                        if fi.isNamed[Int(proto)] {
                            admitted = Self.union(fi.named[proto] ?? [])
                        } else {
                            if unnamed == nil { unnamed = Self.union(fi.unnamed) }
                            admitted = unnamed!
                        }
                        probeValues.forEach(meeting: admitted) { p in
                            guard seen[p] != mark else { return }
                            seen[p] = mark
                            if inbound { ins[p].append(h) } else { outs[p].append(h) }
                        }
                    }
                }
            }
            input.append(ins)
            output.append(outs)
        }
    }

    private static func union(_ entries: [AdmissionIndex.Entry]) -> Spans<UInt16> {
        var out = Spans<UInt16>()
        for e in entries { out.formUnion(e.values) }
        return out
    }
}

/// The probes' value intervals of one protocol, sorted, to find those meeting a set of values.
struct ValueIndex {
    private let intervals: IntervalStab<UInt16>

    /// One index per protocol the probes name, with each probe's values in family `f`.
    static func perProtocol(_ probes: [ServiceProbe], _ f: IPFamily) -> [(UInt8, ValueIndex)] {
        var items: [UInt8: [(lower: UInt16, upper: UInt16, owner: Int)]] = [:]
        for (i, probe) in probes.enumerated() where probe.families.contains(f) {
            for proto in probe.protocols {
                for r in probe.spans(proto, f).ranges { items[proto, default: []].append((r.lowerBound, r.upperBound, i)) }
            }
        }
        return items.keys.sorted().map { ($0, ValueIndex(intervals: IntervalStab(items[$0]!))) }
    }

    /// Calls `body` with each probe having a value in `set` (a probe may come more than once).
    func forEach(meeting set: Spans<UInt16>, _ body: (Int) -> Void) {
        intervals.forEach(meeting: set) { probe, _ in body(probe) }
    }
}
