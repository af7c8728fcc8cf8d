import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// The rules every fwctl chain carries, whatever the policy says.
enum BaseRules {
    static let counter = Expression.counter(packets: 0, bytes: 0)

    static func conntrackOnly() -> [Rule] {
        [
            Rule([.ctState([.established, .related]), counter, .verdict(.accept)], comment: "fwctl: replies and related traffic"),
            Rule([.ctState(.invalid), counter, .verdict(.drop)], comment: "fwctl: invalid packets"),
        ]
    }

    static func conntrackAndLoopback(_ direction: Direction) -> [Rule] {
        conntrackOnly() + [
            Rule([.interface(direction: direction.interface, name: "lo"), counter, .verdict(.accept)], comment: "fwctl: loopback"),
        ]
    }

    /// ICMP errors that path MTU discovery and error reporting need, and ICMPv6 neighbour
    /// discovery and multicast listener reports, without which IPv6 does not work at all.
    static let icmpEssential: [UInt8] = [3, 11, 12]   // destination-unreachable, time-exceeded, parameter-problem
    static let icmpv6Essential: [UInt8] = [1, 2, 3, 4, 133, 134, 135, 136]
    static let icmpv6MulticastListener: [UInt8] = [131, 143]  // MLD and MLDv2 reports the host sends

    static func essentialICMP(_ direction: Direction) -> [Rule] {
        let v6 = direction == .output ? (icmpv6Essential + icmpv6MulticastListener).sorted() : icmpv6Essential
        return [
            Rule([.icmpType(family: .v4, types: icmpEssential), counter, .verdict(.accept)], comment: "fwctl: essential ICMP"),
            Rule([.icmpType(family: .v6, types: v6), counter, .verdict(.accept)], comment: "fwctl: essential ICMPv6 and neighbour discovery"),
        ]
    }

    static func echoRequest(rate: Rate) -> [Rule] {
        let limit = Expression.limit(rate: rate.count, per: LimitUnit(rate.per), burst: 5)
        return [
            Rule([.icmpType(family: .v4, types: [8]), limit, counter, .verdict(.accept)], comment: "fwctl: ping, rate-limited"),
            Rule([.icmpType(family: .v6, types: [128]), limit, counter, .verdict(.accept)], comment: "fwctl: ping, rate-limited"),
        ]
    }

    static func logDrops(prefix: String, rate: Rate) -> Rule {
        Rule([.ctState(.new), .limit(rate: rate.count, per: LimitUnit(rate.per), burst: 5), .log(prefix: prefix, level: nil)],
             comment: "fwctl: log what the policy drops")
    }

    /// Counts what falls through to the chain's policy, so drops show in counters.
    static let policyDropCounter = Rule([counter], comment: "fwctl: dropped by the chain policy")
}

extension LimitUnit {
    init(_ unit: Rate.Unit) {
        switch unit {
        case .second: self = .second
        case .minute: self = .minute
        case .hour: self = .hour
        case .day: self = .day
        }
    }
}
