import FwctlNet

/// Everything a list of services admits, normalised so that "does A admit all B admits" is a
/// few interval-set comparisons (the shadowed-flow warning).
struct ServiceCoverage: Equatable {
    var any = false
    var ports: [PortProtocol: IntervalSet<UInt16>] = [:]
    /// `proto N` atoms (other than ICMP, which has its own sets).
    var protocols = IntervalSet<UInt8>()
    var icmp = IntervalSet<UInt8>()
    var icmpv6 = IntervalSet<UInt8>()

    init(_ refs: [ServiceRef]) {
        for atom in refs.flatMap(\.atoms) {
            switch atom {
            case .any: any = true
            case .ports(let p, let ranges):
                for r in ranges { ports[p, default: IntervalSet()].insert(r.lower...r.upper) }
            case .proto(let n): protocols.insert(n)
            case .icmp(let types): types.map { for t in $0 { icmp.insert(t) } } ?? { icmp = .full }()
            case .icmpv6(let types): types.map { for t in $0 { icmpv6.insert(t) } } ?? { icmpv6 = .full }()
            }
        }
    }

    /// True when everything `other` admits, this admits too.
    func covers(_ other: ServiceCoverage) -> Bool {
        if any { return true }
        if other.any { return false }
        for (p, set) in other.ports where !Self.contains(ports[p] ?? IntervalSet(), set) { return false }
        return Self.contains(protocols, other.protocols) && Self.contains(icmp, other.icmp) && Self.contains(icmpv6, other.icmpv6)
    }

    /// `outer ⊇ inner` by one merge walk over the sorted intervals (no allocation: this runs
    /// for every allow that repeats an earlier allow's ends).
    static func contains<V>(_ outer: IntervalSet<V>, _ inner: IntervalSet<V>) -> Bool {
        var i = 0
        let a = outer.intervals
        for r in inner.intervals {
            while i < a.count && a[i].upperBound < r.lowerBound { i += 1 }
            guard i < a.count, a[i].lowerBound <= r.lowerBound, a[i].upperBound >= r.upperBound else { return false }
        }
        return true
    }
}
