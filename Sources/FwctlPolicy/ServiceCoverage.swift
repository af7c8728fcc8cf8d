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
        for (p, set) in other.ports where !(ports[p] ?? IntervalSet()).isSuperset(of: set) { return false }
        return protocols.isSuperset(of: other.protocols) && icmp.isSuperset(of: other.icmp) && icmpv6.isSuperset(of: other.icmpv6)
    }
}
