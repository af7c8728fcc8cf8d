import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// The service side of a flow's rules: its atoms grouped so each protocol needs one rule.
///
/// `http, https` become one rule `tcp dport { 80, 443 }`; `dns` (udp/53, tcp/53) two rules;
/// `any` one rule with no service match at all (every protocol and port).
struct ServiceMatches {
    var ports: [PortProtocol: IntervalSet<UInt16>] = [:]
    var protocols: [UInt8] = []
    var icmp: IntervalSet<UInt8>? = nil
    var icmpAll = false
    var icmpv6: IntervalSet<UInt8>? = nil
    var icmpv6All = false
    var any = false

    init(_ refs: [ServiceRef]) {
        for atom in refs.flatMap(\.atoms) {
            switch atom {
            case .ports(let proto, let ranges):
                for r in ranges { ports[proto, default: IntervalSet()].insert(r.closedRange) }
            case .proto(let n):
                if !protocols.contains(n) { protocols.append(n) }
            case .icmp(let types):
                if let types { icmp = (icmp ?? IntervalSet()).union(IntervalSet(types.map { $0...$0 })) } else { icmpAll = true }
            case .icmpv6(let types):
                if let types { icmpv6 = (icmpv6 ?? IntervalSet()).union(IntervalSet(types.map { $0...$0 })) } else { icmpv6All = true }
            case .any:
                any = true
            }
        }
    }

    /// The match expressions of each rule needed for `family`, one array per rule.
    func expressions(for family: IPFamily) -> [[Expression]] {
        if any { return [[]] }
        var out: [[Expression]] = []
        for proto in PortProtocol.allCases.sorted() {
            guard let set = ports[proto], !set.isEmpty else { continue }
            let ranges = set.intervals.map { PortRange($0.lowerBound, $0.upperBound) }
            out.append([.port(proto: proto, field: .dport, match: ranges.count == 1 ? .range(ranges[0]) : .anonymousSet(ranges))])
        }
        for n in protocols.sorted() {
            // An ICMP protocol number written as `proto` applies only to its own family.
            if (n == 1 && family == .v6) || (n == 58 && family == .v4) { continue }
            out.append([.l4proto(n)])
        }
        if family == .v4 {
            if icmpAll { out.append([.l4proto(1)]) } else if let icmp { out.append([.icmpType(family: .v4, types: values(icmp))]) }
        } else {
            if icmpv6All { out.append([.l4proto(58)]) } else if let icmpv6 { out.append([.icmpType(family: .v6, types: values(icmpv6))]) }
        }
        return out
    }

    private func values(_ set: IntervalSet<UInt8>) -> [UInt8] {
        set.intervals.flatMap { Array($0) }
    }
}
