import FwctlEvaluator
import FwctlNet
import FwctlRuleset

/// Short ways to write rules, sets and packets in tests.
package enum B {
    package static func ip(_ s: String) -> IPAddress { IPAddress(s)! }

    /// `10.0.0.0/8`, `2001:db8::1`, `10.0.0.1-10.0.0.9`.
    package static func range(_ s: String) -> AddressRange {
        if let slash = s.firstIndex(of: "/") {
            return AddressRange(prefix: ip(String(s[..<slash])), length: Int(s[s.index(after: slash)...])!)!
        }
        if let dash = s.firstIndex(of: "-") {
            return AddressRange(lower: ip(String(s[..<dash])), upper: ip(String(s[s.index(after: dash)...])))
        }
        return AddressRange(ip(s))
    }

    package static func saddr(_ ranges: String...) -> Expression { addr(.saddr, ranges) }
    package static func daddr(_ ranges: String...) -> Expression { addr(.daddr, ranges) }
    package static func saddrSet(_ name: String, _ family: IPFamily = .v4) -> Expression {
        .address(family: family, field: .saddr, match: .set(name))
    }

    package static func addr(_ field: AddressField, _ ranges: [String]) -> Expression {
        let rs = ranges.map(range)
        return .address(family: rs[0].family, field: field, match: rs.count == 1 ? .range(rs[0]) : .anonymousSet(rs))
    }

    package static func tcp(_ ports: ClosedRange<UInt16>...) -> Expression { port(.tcp, ports) }
    package static func udp(_ ports: ClosedRange<UInt16>...) -> Expression { port(.udp, ports) }
    package static func port(_ proto: PortProtocol, _ ports: [ClosedRange<UInt16>]) -> Expression {
        let rs = ports.map { PortRange($0.lowerBound, $0.upperBound) }
        return .port(proto: proto, field: .dport, match: rs.count == 1 ? .range(rs[0]) : .anonymousSet(rs))
    }

    package static let accept = Expression.verdict(.accept)
    package static let drop = Expression.verdict(.drop)
    package static let counter = Expression.counter(packets: 0, bytes: 0)
    package static let limit = Expression.limit(rate: 5, per: .second, burst: 5)

    package static func set(_ name: String, _ ranges: String...) -> NamedSet {
        let rs = ranges.map(range)
        return NamedSet(name: name, keyType: rs.first?.family == .v6 ? .ipv6Addr : .ipv4Addr, elements: rs.map(SetElement.address))
    }

    package static func chain(_ policy: ChainPolicy, _ rules: [[Expression]], hook: Hook = .input) -> Chain {
        Chain(name: hook.rawValue, hook: BaseChainHook(hook: hook, policy: policy), rules: rules.map { Rule($0) })
    }

    /// A packet from `peer` (input chains) with the host's address on the other end.
    package static func from(_ peer: String, _ proto: UInt8, _ port: UInt16? = nil, type: UInt8? = nil) -> Packet {
        let a = ip(peer)
        let local: IPAddress = a.family == .v4 ? ip("192.0.2.100") : ip("2001:db8:ffff::100")
        return Packet(family: a.family, source: a, destination: local, proto: proto, port: port, icmpType: type)
    }

    package static func analyse(_ chain: Chain, sets: [NamedSet] = [], peer: AddressField = .saddr) -> (ChainAnalysis, Table) {
        let table = Table(name: "fwctl", sets: sets, chains: [chain])
        return (ChainEvaluator.evaluate(chain: chain, in: table, peerField: peer), table)
    }
}
